import Foundation
import Testing

@testable import Registry

/// The pure planner (`GarbageCollector`): budgets, roots, blob and file ages, leases. No store involved.
@Suite struct GCPlannerTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let hour: TimeInterval = 3600

    static func key(_ n: Int) -> String { "sha256:" + String(repeating: String(n % 10), count: 64) }
    static func digest(_ name: String) -> String {
        "sha256:" + String(name.utf8.map { String(format: "%02x", $0) }.joined().prefix(64)).padding(toLength: 64, withPad: "0", startingAt: 0)
    }

    /// An artifact used `minutesAgo` minutes before `now`, of `size` bytes, with one file blob of its own.
    static func artifact(_ n: Int, size: Int64, minutesAgo: Double, pinned: Bool = false, digests: [String]? = nil)
        -> GarbageCollector.Artifact
    {
        .init(
            key: key(n), size: size, lastUsedAt: now.addingTimeInterval(-minutesAgo * 60), pinned: pinned,
            digests: digests ?? [digest("a\(n)")])
    }

    static func collector(budget: Int64?, _ artifacts: [GarbageCollector.Artifact]) -> GarbageCollector {
        var collector = GarbageCollector(now: now, grace: hour, maxSize: budget)
        collector.artifacts = artifacts
        return collector
    }

    static func evictedNumbers(_ plan: GCPlan) -> [Int] {
        plan.artifacts.map { item in (0..<10).first { key($0) == item.key } ?? -1 }
    }

    @Test(arguments: [
        // (budget, evicted artifact numbers, least recently used first)
        (nil, []),
        (Int64(1000), []),
        (Int64(700), [1]),  // pinned 5 first, then 4+3+2: 700 fit; 1 (the oldest) goes
        (Int64(699), [1, 2]),  // 5+4+3 = 500 fit, 2 does not: 2 and everything older go
        (Int64(350), [1, 2, 3]),
        (Int64(100), [1, 2, 3, 4]),  // only the pinned 5 (100 bytes) fits
        (Int64(0), [1, 2, 3, 4]),
    ] as [(Int64?, [Int])])
    func budgetKeepsTheMostRecentlyUsedThatFit(budget: Int64?, evicted: [Int]) {
        let plan = Self.collector(
            budget: budget,
            [
                Self.artifact(1, size: 200, minutesAgo: 40), Self.artifact(2, size: 200, minutesAgo: 30),
                Self.artifact(3, size: 200, minutesAgo: 20), Self.artifact(4, size: 200, minutesAgo: 10),
                Self.artifact(5, size: 100, minutesAgo: 50, pinned: true),
            ]
        ).plan(dryRun: true)
        #expect(Self.evictedNumbers(plan) == evicted)
        #expect(plan.artifacts.allSatisfy { $0.reason == GCPlan.Reason.overBudget })
    }

    @Test func evictionIsStrictlyLeastRecentlyUsed() {
        // The newest (300 bytes) does not fit in 250: every older one goes too, even the small ones that would.
        let plan = Self.collector(
            budget: 250,
            [Self.artifact(1, size: 10, minutesAgo: 30), Self.artifact(2, size: 300, minutesAgo: 5)]
        ).plan(dryRun: true)
        #expect(Self.evictedNumbers(plan) == [1, 2])
    }

    @Test func rootsCountAgainstTheBudgetFirstAndAreNeverEvicted() {
        var collector = Self.collector(
            budget: 150,
            [
                Self.artifact(1, size: 100, minutesAgo: 90, pinned: true), Self.artifact(2, size: 100, minutesAgo: 80),
                Self.artifact(3, size: 10, minutesAgo: 1),
            ])
        collector.leases = [.init(name: "build:" + Self.key(2), holder: "pid 1 on h", expiresAt: Self.now + 60, deadReason: nil)]
        let plan = collector.plan(dryRun: true)
        #expect(Self.evictedNumbers(plan) == [3])
        #expect(plan.skipped.contains { $0.subject == "budget" && $0.reason.contains("200 bytes") })
    }

    /// A live hold (`loom hold`) is a root like a pin: with a budget of 0 only the unheld artifact goes.
    @Test func aHeldArtifactIsARoot() {
        var held = Self.artifact(1, size: 100, minutesAgo: 90)
        held.held = true
        let plan = Self.collector(budget: 0, [held, Self.artifact(2, size: 10, minutesAgo: 1)]).plan(dryRun: true)
        #expect(Self.evictedNumbers(plan) == [2])
        #expect(plan.skipped.contains { $0.subject == "budget" && $0.reason.contains("held") })
    }

    /// An ingest file whose writer is gone goes at once, whatever its age; a running writer's never does.
    @Test func aDeadWritersIngestFileGoesWithoutGrace() {
        var collector = Self.collector(budget: nil, [])
        collector.ingestFiles = [
            .init(path: "/s/ingest/1-a.part", size: 5, modified: Self.now - 1, writerGone: true),
            .init(path: "/s/ingest/2-b.part", size: 7, modified: Self.now - 1),
            .init(path: "/s/ingest/3-c.part", size: 9, modified: Self.now - 1, inUse: true, writerGone: true),
        ]
        let plan = collector.plan(dryRun: true)
        #expect(plan.ingest.map(\.path) == ["/s/ingest/1-a.part"])
        #expect(plan.ingest.first?.reason == GCPlan.Reason.deadWriterIngest)
    }

    @Test func aDeadBuildLeaseRootsNothingAndIsListed() {
        var collector = Self.collector(budget: 0, [Self.artifact(1, size: 10, minutesAgo: 1)])
        collector.leases = [.init(name: "build:" + Self.key(1), holder: "pid 7 on h", expiresAt: Self.now - 60, deadReason: "expired")]
        let plan = collector.plan(dryRun: true)
        #expect(Self.evictedNumbers(plan) == [1])
        #expect(plan.leases == [.init(name: "build:" + Self.key(1), holder: "pid 7 on h", expiresAt: Self.now - 60, reason: "expired")])
        #expect(plan.skipped.isEmpty)
    }

    @Test func blobsGoWhenUnreferencedAndOldOrFreedByAnEviction() {
        let shared = Self.digest("shared-with-base")
        var collector = Self.collector(
            budget: 100,
            [
                Self.artifact(1, size: 100, minutesAgo: 50, digests: [Self.digest("a1"), shared, Self.digest("both")]),
                Self.artifact(2, size: 100, minutesAgo: 5, digests: [Self.digest("a2"), Self.digest("both")]),
            ])
        collector.registeredDigests = [shared]
        let fresh = Self.now - 60
        let old = Self.now - 2 * Self.hour
        collector.blobs = [
            .init(digest: Self.digest("a1"), size: 1, modified: fresh),  // freed by evicting 1, fresh or not
            .init(digest: shared, size: 2, modified: old),  // the base still references it
            .init(digest: Self.digest("both"), size: 4, modified: old),  // artifact 2 still references it
            .init(digest: Self.digest("a2"), size: 8, modified: old),
            .init(digest: Self.digest("old"), size: 16, modified: old),
            .init(digest: Self.digest("fresh"), size: 32, modified: fresh),
            .init(digest: Self.digest("edge"), size: 64, modified: Self.now - Self.hour),  // exactly grace old: kept
        ]
        let plan = collector.plan(dryRun: false)
        let expected: [GCPlan.Blob] = [
            .init(digest: Self.digest("a1"), size: 1, reason: GCPlan.Reason.freed(by: Self.key(1))),
            .init(digest: Self.digest("old"), size: 16, reason: GCPlan.Reason.unreferenced),
        ].sorted { $0.digest < $1.digest }
        #expect(plan.blobs == expected)
        #expect(plan.bytesFreed == 17)
    }

    @Test func filesAndDirectoriesGoByAge() {
        var collector = Self.collector(budget: 0, [Self.artifact(1, size: 1, minutesAgo: 1), Self.artifact(2, size: 1, minutesAgo: 1, pinned: true)])
        let old = Self.now - 2 * Self.hour
        let fresh = Self.now - 60
        let hex = { (n: Int) in String(Self.key(n).dropFirst(7)) }
        collector.ingestFiles = [
            .init(path: "/s/ingest/1-a.part", size: 5, modified: old), .init(path: "/s/ingest/2-b.part", size: 7, modified: fresh),
            .init(path: "/s/ingest/3-c.part", size: 9, modified: old, inUse: true),
        ]
        collector.artifactEntries = [
            .init(path: "/s/artifacts/" + hex(1), size: 0, modified: fresh),  // evicted now: goes at once
            .init(path: "/s/artifacts/" + hex(2), size: 0, modified: old),  // pinned: stays
            .init(path: "/s/artifacts/" + hex(3), size: 0, modified: old),  // no row, old: orphan
            .init(path: "/s/artifacts/" + hex(4), size: 0, modified: fresh),  // no row, fresh: stays
            .init(path: "/s/artifacts/.tmp-1", size: 0, modified: old),
            .init(path: "/s/artifacts/.trash-2", size: 0, modified: fresh),
            .init(path: "/s/artifacts/README", size: 10, modified: old),  // not ours: stays
        ]
        let plan = collector.plan(dryRun: true)
        #expect(plan.ingest.map(\.path) == ["/s/ingest/1-a.part"])
        #expect(plan.ingest.first?.reason == GCPlan.Reason.staleIngest)
        #expect(
            plan.directories == [
                .init(path: "/s/artifacts/.tmp-1", kind: .leftover, reason: GCPlan.Reason.leftoverDirectory),
                .init(path: "/s/artifacts/" + hex(1), kind: .evicted, reason: GCPlan.Reason.evictedDirectory),
                .init(path: "/s/artifacts/" + hex(3), kind: .orphan, reason: GCPlan.Reason.orphanDirectory),
            ])
        #expect(plan.bytesFreed == 5)
    }

    /// gc deletes in `ingest/` only names loom gives; anything else is listed as left alone, whatever its age.
    @Test func onlyIngestNamesLoomGivesAreCollected() {
        var collector = Self.collector(budget: nil, [])
        let old = Self.now - 2 * Self.hour
        let ours = ["12-00ab34cd56ef7890.part", "rebuild-7-1f", ".trash-gc-8-abc"]
        let foreign = ["notes.txt", "x.part", "12-XYZ.part", "rebuild-7", ".trash-gc-8-ab-cd", "-1-ab.part", "12-00ab.part.bak"]
        collector.ingestFiles = (ours + foreign).map { .init(path: "/s/ingest/" + $0, size: 1, modified: old) }
        let plan = collector.plan(dryRun: true)
        #expect(plan.ingest.map(\.path) == ours.map { "/s/ingest/" + $0 }.sorted())
        #expect(plan.skipped == foreign.sorted().map { .foreignIngest("/s/ingest/" + $0) })
    }

    @Test func aLiveLeaseStopsTheSweepButNotEviction() {
        var collector = Self.collector(budget: 0, [Self.artifact(1, size: 1, minutesAgo: 1)])
        collector.blobs = [.init(digest: Self.digest("a1"), size: 1, modified: Self.now - 60), .init(digest: Self.digest("old"), size: 1, modified: .distantPast)]
        collector.ingestFiles = [.init(path: "/s/ingest/9-ab.part", size: 1, modified: .distantPast)]
        collector.artifactEntries = [
            .init(path: "/s/artifacts/" + String(Self.key(1).dropFirst(7)), size: 0, modified: .distantPast),
            .init(path: "/s/artifacts/.tmp-x", size: 0, modified: .distantPast),
        ]
        collector.leases = [
            .init(name: "ingest:h:1:2", holder: "pid 1 on h", expiresAt: Self.now + 60, deadReason: nil),
            .init(name: "build:dead", holder: "pid 2 on h", expiresAt: Self.now + 60, deadReason: "holder gone"),
        ]
        let plan = collector.plan(dryRun: true)
        #expect(Self.evictedNumbers(plan) == [1])
        #expect(plan.directories.map(\.kind) == [.evicted])
        #expect(plan.blobs.isEmpty && plan.ingest.isEmpty)
        #expect(plan.leases.map(\.name) == ["build:dead"])
        #expect(plan.skipped == [.liveLease("ingest:h:1:2", holder: "pid 1 on h")])
    }

    @Test func thePlanDoesNotDependOnInputOrder() {
        let artifacts = (0..<8).map { Self.artifact($0, size: 100, minutesAgo: Double($0 % 3)) }
        let forward = Self.collector(budget: 350, artifacts).plan(dryRun: true)
        let backward = Self.collector(budget: 350, artifacts.reversed()).plan(dryRun: true)
        #expect(forward == backward && forward.artifacts.count == 5)
    }
}
