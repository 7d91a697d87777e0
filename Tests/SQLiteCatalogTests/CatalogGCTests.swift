import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import Testing

/// The catalog's gc writes (`evictArtifacts`, `sweepBlobs`) and the snapshot reads gc plans with.
@Suite struct CatalogGCTests {
    let dir = TestDirectory()
    let clock = FakeClock()
    let catalog: SQLiteCatalog

    init() throws {
        catalog = try Fixture.open(dir, clock: clock)
    }

    func eviction(_ record: ArtifactRecord, reason: String = "test eviction") -> Eviction {
        Eviction(key: record.key, notUsedSince: record.lastUsedAt, reason: reason)
    }

    // MARK: - evictArtifacts

    @Test func evictingDeletesTheRowAndRecordsAnEvent() throws {
        let artifact = try Fixture.insertArtifact(catalog, "a")
        let outcomes = try catalog.evictArtifacts([eviction(artifact, reason: "over budget")]) { _ in false }
        guard case .evicted(let record) = try #require(outcomes.first) else {
            Issue.record("not evicted: \(outcomes)")
            return
        }
        #expect(record.key == artifact.key && record.files?.count == 2)
        #expect(try catalog.artifact(key: artifact.key) == nil)
        #expect(try catalog.snapshot { try $0.isReferenced(digest: Fixture.digest("artifact/a/model")) } == false)
        let event = try #require(try catalog.events().last)
        #expect(event.kind == "artifact.evict" && event.subject == artifact.key)
        #expect(event.detail["reason"] == "over budget")
        #expect(event.detail["total_size"] == .int(500))
        #expect(try catalog.verifyChain().isEmpty)
    }

    @Test func evictionRechecksPinUseLeaseAndExistence() throws {
        let pinned = try Fixture.insertArtifact(catalog, "pinned")
        let used = try Fixture.insertArtifact(catalog, "used")
        let leased = try Fixture.insertArtifact(catalog, "leased")
        let stale = try Fixture.insertArtifact(catalog, "stale-lease")
        let plain = try Fixture.insertArtifact(catalog, "plain")
        try catalog.setPinned(key: pinned.key, true)
        clock.advance(by: 60)
        try catalog.touchArtifact(key: used.key)
        _ = try catalog.acquireLease(name: "build:" + leased.key, ttl: .seconds(600))
        _ = try catalog.acquireLease(name: "build:" + stale.key, ttl: .seconds(600))
        let missing = Eviction(key: Fixture.digest("artifact/never"), notUsedSince: clock.now, reason: "x")

        let outcomes = try catalog.evictArtifacts(
            [eviction(pinned), eviction(used), eviction(leased), eviction(stale), eviction(plain), missing]
        ) { lease in lease.name == "build:" + stale.key }

        #expect(outcomes.count == 6)
        #expect(outcomes[0] == .kept(key: pinned.key, reason: "pinned since the plan"))
        #expect(outcomes[1] == .kept(key: used.key, reason: "used since the plan (at 2026-11-29T14:57:38.123Z)"))
        guard case .kept(_, let leaseReason) = outcomes[2] else {
            Issue.record("a live build lease must keep the artifact")
            return
        }
        #expect(leaseReason.hasPrefix("under a live build lease (pid \(getpid())"))
        guard case .evicted = outcomes[3], case .evicted = outcomes[4] else {
            Issue.record("a stale lease or no lease must not keep the artifact: \(outcomes)")
            return
        }
        #expect(outcomes[5] == .kept(key: missing.key, reason: "gone already"))
        #expect(try Set(catalog.artifacts().map(\.key)) == [pinned.key, used.key, leased.key])
    }

    @Test func anExpiredBuildLeaseDoesNotKeepTheArtifact() throws {
        let artifact = try Fixture.insertArtifact(catalog, "a")
        try LeaseTests.insertForeignLease(dir, name: "build:" + artifact.key, expiresAt: "2026-11-29T14:00:00.000Z")
        let outcomes = try catalog.evictArtifacts([eviction(artifact)]) { _ in false }
        guard case .evicted = try #require(outcomes.first) else {
            Issue.record("expired lease kept the artifact")
            return
        }
    }

    @Test func evictingNothingWritesNothing() throws {
        #expect(try catalog.evictArtifacts([]) { _ in false }.isEmpty)
        #expect(try catalog.events().isEmpty)
    }

    // MARK: - sweepBlobs

    @Test func aLiveLeaseKeepsTheSweepBodyFromRunning() throws {
        _ = try catalog.acquireLease(name: "ingest:test", ttl: .seconds(600))
        var ran = false
        let outcome = try catalog.sweepBlobs(isStale: { _ in false }) { _ in
            ran = true
            return ["sha256:" + String(repeating: "0", count: 64)]
        }
        #expect(!ran && !outcome.swept)
        #expect(outcome.liveLeases.map(\.name) == ["ingest:test"])
        #expect(outcome.deadLeases.isEmpty)
        #expect(try catalog.events().isEmpty)
        #expect(try catalog.leases().count == 1)
    }

    @Test func deadLeasesAreDeletedWithEventsAndDoNotBlock() throws {
        try LeaseTests.insertForeignLease(dir, name: "build:expired", expiresAt: "2026-11-29T14:00:00.000Z")
        try LeaseTests.insertForeignLease(dir, name: "ingest:gone", expiresAt: "2027-01-01T00:00:00.000Z")
        let digest = Fixture.digest("unreferenced")
        var seenReferenced: Bool?
        let outcome = try catalog.sweepBlobs(isStale: { $0.name == "ingest:gone" }) { snapshot in
            seenReferenced = try snapshot.isReferenced(digest: digest)
            return [digest]
        }
        #expect(outcome.swept && seenReferenced == false)
        #expect(outcome.deadLeases.map(\.lease.name) == ["build:expired", "ingest:gone"])
        #expect(outcome.deadLeases.map(\.reason) == ["expired", "holder gone"])
        #expect(try catalog.leases().isEmpty)
        let events = try catalog.events()
        #expect(events.map(\.kind) == ["lease.expire", "lease.expire", "gc.sweep"])
        #expect(events[1].detail["reason"] == "holder gone")
        #expect(events[1].detail["holder"] == "pid 999999 on elsewhere")
        #expect(events[2].detail["deleted"] == .array([.string(digest)]))
        #expect(try catalog.verifyChain().isEmpty)
    }

    @Test func aSweepThatDeletesNothingRecordsNoEvent() throws {
        let outcome = try catalog.sweepBlobs(isStale: { _ in false }) { _ in [] }
        #expect(outcome.swept && outcome.deadLeases.isEmpty)
        #expect(try catalog.events().isEmpty)
    }

    @Test func aThrowingBodyRollsTheSweepBack() throws {
        try LeaseTests.insertForeignLease(dir, name: "build:expired", expiresAt: "2026-11-29T14:00:00.000Z")
        struct Boom: Error {}
        #expect(throws: (any Error).self) {
            try catalog.sweepBlobs(isStale: { _ in false }) { _ in throw Boom() }
        }
        #expect(try catalog.leases().map(\.name) == ["build:expired"])
        #expect(try catalog.events().isEmpty)
    }

    // MARK: - Snapshot reads

    @Test func snapshotReadsSeeUsageRootsAndReferences() throws {
        let base = try Fixture.registerBase(catalog, "llama")
        try Fixture.registerAdapter(catalog, "sql", baseID: base.id)
        let artifact = try Fixture.insertArtifact(catalog, "a")
        try catalog.setPinned(key: artifact.key, true)
        let (usage, registered, referenced, present, absent) = try catalog.snapshot { snapshot in
            (
                try snapshot.artifactUsage(), try snapshot.registeredBlobDigests(),
                try snapshot.isReferenced(digest: Fixture.digest("sql/a1/model")),
                try snapshot.hasArtifact(key: artifact.key), try snapshot.hasArtifact(key: Fixture.digest("nope"))
            )
        }
        #expect(usage.count == 1)
        #expect(usage.first?.key == artifact.key && usage.first?.pinned == true && usage.first?.totalSize == 500)
        #expect(usage.first.map { sameTime($0.lastUsedAt, clock.now) } == true)
        #expect(usage.first?.digests == [Fixture.digest("artifact/a/config"), Fixture.digest("artifact/a/model")])
        #expect(
            registered == [
                Fixture.digest("llama/m1/model"), Fixture.digest("llama/m1/config"),
                Fixture.digest("sql/a1/config"), Fixture.digest("sql/a1/model"),
            ])
        #expect(referenced && present && !absent)
    }
}
