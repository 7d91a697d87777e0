import Foundation
import LoomJSON
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `loom build` killed (SIGKILL) at every fault point on its path: the store stays consistent
/// (verify clean apart from garbage), and building again gives the artifact an uninterrupted build gives.
@Suite(.serialized) struct CrashBuildTests {
    /// Where a point is in a build, in the order a build passes them.
    enum Stage: Sendable {
        /// Before the build lease is written: nothing of the build exists.
        case beforeLease
        /// The lease is held, the artifact not committed: the retry takes the dead lease over and merges.
        case leased
        /// The artifact row is committed, the lease not yet released: the retry is a cache hit.
        case committed
        /// Committed and the lease released.
        case released
    }

    /// Every point `loom build llama-qv` passes. Catalog writes: #1 takes the lease, #2 renews it after the
    /// shard, #3 commits the artifact, #4 releases the lease. The ingest points are the merged shard's
    /// (config.json is reused as it is: the output dtype is the base's).
    static let points: [(String, Stage)] = [
        ("catalog.before-commit", .beforeLease), ("catalog.after-commit", .leased), ("build.after-lease", .leased),
        ("ingest.after-create", .leased), ("ingest.mid-write", .leased), ("ingest.after-fsync", .leased),
        ("ingest.after-rename", .leased), ("catalog.before-commit#2", .leased), ("catalog.after-commit#2", .leased),
        ("build.before-commit", .leased), ("catalog.before-commit#3", .leased), ("catalog.after-commit#3", .committed),
        ("build.after-commit", .committed), ("materialize.before-rename", .committed),
        ("materialize.after-rename", .committed), ("catalog.before-commit#4", .committed), ("catalog.after-commit#4", .released),
    ]

    @Test(arguments: points)
    func aKilledBuildLeavesAConsistentStoreAndTheRetryBuildsTheSameArtifact(point: String, stage: Stage) throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let reference = try StoreTemplates.shared.reference()
        let leaseName = "build:" + reference.key

        let killed = try store.crash(["build", "llama-qv", "--json"], at: point)
        #expect(killed.stdout.isEmpty, "a killed build printed a result: \(killed)")
        let committed = stage == .committed || stage == .released
        #expect(try store.inspector.artifacts().map(\.key) == (committed ? [reference.key] : []))
        let leftLease = stage == .leased || stage == .committed
        #expect(try store.inspector.leases().map(\.name) == (leftLease ? [leaseName] : []))
        try store.expectConsistent()

        let retry = try store.json("build", "llama-qv")
        #expect(retry["cached"] == .bool(committed), "the retry after a crash at \(point) merged (false) or not (true)")
        #expect(retry["key"]?.stringValue == reference.key)
        #expect(retry["path"]?.stringValue == store.path + "/artifacts/" + reference.hex)
        #expect(try store.inspector.artifacts() == [reference], "the retry's manifest differs from an uninterrupted build's")
        try store.expectArtifactsComplete()
        #expect(try store.eventCount("artifact.build") == 1)
        if stage == .leased {
            #expect(try store.eventCount("lease.takeover") == 1, "the dead builder's lease was not taken over")
            #expect(try store.inspector.leases().isEmpty)
        }
        let after = try store.expectConsistent()
        #expect(after["live_leases"]?.arrayValue?.isEmpty == true)
    }

    /// A builder killed while holding `build:<key>`: its lease row stays with its (now dead) pid, verify
    /// calls it dead, and the next build takes it over and merges.
    @Test func aKilledBuildersLeaseIsTakenOverOnceItsPidIsGone() throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let reference = try StoreTemplates.shared.reference()
        try store.crash(["build", "llama-qv"], at: "build.before-commit")
        let lease = try #require(try store.inspector.leases().first)
        #expect(lease.name == "build:" + reference.key)
        #expect(kill(pid_t(lease.pid), 0) != 0 && errno == ESRCH, "the killed builder's pid \(lease.pid) still runs")
        let report = try store.expectConsistent()
        #expect(report["collectable"]?["dead_leases"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == [lease.name])

        let retry = try store.json("build", "llama-qv")
        #expect(retry["cached"] == .bool(false) && retry["waited"] == .bool(false))
        #expect(retry["key"]?.stringValue == reference.key)
        let log = try store.json("log")
        let takeover = try #require(log["events"]?.arrayValue?.first { $0["kind"]?.stringValue == "lease.takeover" })
        #expect(takeover["detail"]?["reason"]?.stringValue == "stale")
        #expect(takeover["detail"]?["previous_holder"]?.stringValue?.hasPrefix("pid \(lease.pid) on ") == true)
        try store.expectArtifactsComplete()
    }

    /// A lease held by a process on another host cannot be judged by its pid: the build waits for it, and
    /// takes it over once it expires.
    @Test func aLeaseFromAnotherHostIsTakenOverOnlyOnceExpired() throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let reference = try StoreTemplates.shared.reference()
        let leaseName = "build:" + reference.key

        // Expired already: taken over at once.
        try store.inspector.plantLease(name: leaseName, pid: 1, host: "elsewhere", expiresAt: Date().addingTimeInterval(-60))
        let first = try store.json("build", "llama-qv")
        #expect(first["cached"] == .bool(false) && first["waited"] == .bool(false))
        let takeover = try #require(try store.json("log")["events"]?.arrayValue?.last { $0["kind"]?.stringValue == "lease.takeover" })
        #expect(takeover["detail"]?["reason"]?.stringValue == "expired")
        #expect(takeover["detail"]?["previous_holder"]?.stringValue == "pid 1 on elsewhere")
        try store.expectArtifactsComplete()

        // Live for three more seconds (pid 1 runs, but on "elsewhere"): the build waits, says so on stderr, then
        // takes over once it expired.
        try store.ok("gc", "--max-size", "0", "--grace", "0")
        #expect(try store.inspector.artifacts().isEmpty)
        let expiry = Date().addingTimeInterval(3)
        try store.inspector.plantLease(name: leaseName, pid: 1, host: "elsewhere", expiresAt: expiry)
        let second = try store.loom(["build", "llama-qv", "--json"])
        let document = try second.json()
        #expect(document["cached"] == .bool(false) && document["waited"] == .bool(true))
        #expect(Date() >= expiry.addingTimeInterval(-0.01), "the build ended before the live lease expired")
        #expect(second.stderr.contains("waiting for elsewhere pid 1"), "\(second)")
        #expect(try store.eventCount("artifact.build") == 2)
        try store.expectArtifactsComplete()
        try store.expectConsistent()
    }
}
