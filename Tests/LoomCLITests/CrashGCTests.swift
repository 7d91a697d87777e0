import Foundation
import LoomJSON
import Testing

/// The real `loom gc --max-size 0 --grace 0` killed (SIGKILL) at every fault point on its path, on a store
/// with one artifact to evict and garbage to sweep: verify stays clean (rows go before bytes, so nothing
/// committed loses a blob), and running gc again completes the plan.
@Suite(.serialized) struct CrashGCTests {
    static let command = ["gc", "--max-size", "0", "--grace", "0", "--json"]

    /// Every point of that gc, in order. Catalog writes: #1 evicts the artifact rows, #2 sweeps (deletes
    /// unreferenced blobs under the write lock and dead leases). Whether the artifact row is gone after the crash.
    static let points: [(String, Bool)] = [
        ("gc.evict.before-commit", false), ("catalog.before-commit", false), ("catalog.after-commit", true),
        ("gc.after-evict", true), ("gc.before-sweep", true), ("gc.before-unlink", true), ("gc.mid-sweep", true),
        ("gc.sweep.before-commit", true), ("catalog.before-commit#2", true), ("catalog.after-commit#2", true),
        ("gc.after-sweep", true),
    ]

    /// A built store plus garbage of every kind gc sweeps: an abandoned ingest file, a leftover
    /// `.tmp-` directory in `artifacts/`, and a dead build lease.
    static func storeWithGarbage() throws -> CLIStore {
        let store = try StoreTemplates.shared.copy(.built)
        // A pid above Linux's pid_max: no process runs with it, so its writer is gone.
        try Data(repeating: 7, count: 4096).write(to: URL(fileURLWithPath: store.path + "/ingest/2147483000-00000000deadbeef.part"))
        try FileManager.default.createDirectory(
            atPath: store.path + "/artifacts/.tmp-0123456789abcdef-2147483000-1", withIntermediateDirectories: true)
        try store.inspector.plantLease(
            name: "build:sha256:" + String(repeating: "0", count: 64), pid: 2_147_483_000, host: "elsewhere",
            expiresAt: Date().addingTimeInterval(-1))
        return store
    }

    @Test(arguments: points)
    func aKilledGCLeavesAConsistentStoreAndTheNextGCCompletesThePlan(point: String, evicted: Bool) throws {
        let store = try Self.storeWithGarbage()
        let reference = try StoreTemplates.shared.reference()
        let registered = try StoreTemplates.shared.copy(.registered)
        let registeredBlobs = registered.inspector.blobFiles()

        try store.crash(Self.command, at: point)
        #expect(try store.inspector.artifacts().map(\.key) == (evicted ? [] : [reference.key]))
        if !evicted { try store.expectArtifactsComplete() }
        try store.expectConsistent()

        let done = try store.loom(Self.command).json()
        #expect(done["dry_run"] == .bool(false))
        #expect(try store.inspector.artifacts().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.path + "/artifacts").isEmpty)
        #expect(store.inspector.ingestEntries().isEmpty)
        #expect(try store.inspector.leases().isEmpty)
        #expect(store.inspector.blobFiles() == registeredBlobs, "gc kept or deleted other blobs than an uninterrupted gc")
        let nothingLeft = try store.json("gc", "--dry-run", "--max-size", "0", "--grace", "0")
        for field in ["artifacts", "blobs", "ingest", "directories", "leases"] {
            #expect(nothingLeft[field]?.arrayValue?.isEmpty == true, "\(field) left after the second gc: \(nothingLeft)")
        }
        let report = try store.expectConsistent()
        #expect(report["collectable"]?["bytes"]?.intValue == 0)

        // Everything registered is whole: the artifact builds again, bit for bit.
        let rebuilt = try store.json("build", "llama-qv")
        #expect(rebuilt["key"]?.stringValue == reference.key && rebuilt["cached"] == .bool(false))
        #expect(try store.inspector.artifacts() == [reference])
        try store.expectArtifactsComplete()
    }
}
