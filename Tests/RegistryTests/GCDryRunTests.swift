import LoomBackends
import LoomCore
import SQLiteCatalog
import Foundation
import LoomBackends
import LoomTesting
import Logging
import Testing

@testable import Registry

/// `--dry-run` is exactly what a real run at that moment does, and changes nothing.
@Suite struct GCDryRunTests {
    static let hour = GCStore.hour

    /// A store with something of every kind to collect.
    static func cluttered() throws -> GCStore {
        let store = try GCStore()
        _ = try store.build([("llama-qv", 1)], dtype: .f32)
        let pinned = try store.build([("llama-qv", 1)], dtype: .f16)
        _ = try store.build([("llama-qv-b", 1)], dtype: .bf16)
        _ = try store.build([("llama-qv", 0.3), ("llama-qv-b", 0.7)], dtype: .bf16)
        try store.catalog().setPinned(key: pinned.key, true)
        try store.plantLease("ingest:x:1:1", pid: GCStore.deadPID())
        _ = try store.looseBlob("old", age: 2 * hour)
        _ = try store.looseBlob("fresh", age: 60)
        _ = try store.ingestFile(GCStore.abandonedIngestName(), bytes: 100, age: 5 * hour)
        _ = try store.ingestDirectory("rebuild-\(try GCStore.deadPID())-2e", bytes: 10, age: 5 * hour)
        _ = try store.orphanDirectory("orphan", age: 3 * hour)
        _ = try store.artifactsEntry(".trash-1", age: 3 * hour)
        return store
    }

    @Test(arguments: [nil, 0, 5_000_000] as [Int64?])
    func aDryRunChangesNothingAndEqualsTheRealRun(budget: Int64?) throws {
        let store = try Self.cluttered()
        let before = try store.state()
        let plan = try store.gc(dryRun: true, maxSize: budget)
        #expect(plan.dryRun && !plan.isEmpty)
        #expect(try store.state() == before, "a dry run changes nothing")

        let done = try store.gc(maxSize: budget)
        #expect(!done.dryRun)
        #expect(done.artifacts == plan.artifacts)
        #expect(done.blobs == plan.blobs)
        #expect(done.ingest == plan.ingest)
        #expect(done.directories == plan.directories)
        #expect(done.leases == plan.leases)
        #expect(done.skipped == plan.skipped)
        #expect(done.bytesFreed == plan.bytesFreed)
        #expect(try store.state() != before)
        #expect(try store.everyArtifactIsComplete())

        let again = try store.gc(dryRun: true, maxSize: budget)
        #expect(again.isEmpty, "a second run finds nothing more: \(again)")
    }

    @Test func gcOnAStoreThatDoesNotExistCreatesNothing() throws {
        let directory = try TemporaryDirectory(prefix: "loom-gc")
        let registry = try StoreBackends.registry(root: directory.path + "/Store", logger: Logger(label: "test"))
        let plan = try registry.collectGarbage(GCOptions(dryRun: false, maxSize: 0))
        #expect(plan.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/Store"))
    }
}
