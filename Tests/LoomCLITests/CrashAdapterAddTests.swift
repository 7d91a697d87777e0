import Foundation
import LoomJSON
import LoomTesting
import Testing

/// The real `loom adapter add` killed (SIGKILL) at every fault point on its path: no row for a
/// half-registered adapter, no partial blob, verify clean, and the same command then registers it.
/// (`base add` has the same tests in RegistryTests' `CrashDuringIngestTests`.)
@Suite(.serialized) struct CrashAdapterAddTests {
    /// Every point of `adapter add` of llama-mts (both files new to the store: adapter_config.json is
    /// ingested first, #1, then the weights, #2). Catalog writes: #1 takes the ingest lease, #2 the rows,
    /// #3 releases the lease. Whether the adapter is registered when the point fires.
    static let points: [(String, Bool)] = [
        ("catalog.before-commit", false), ("catalog.after-commit", false), ("ingest.after-create", false),
        ("ingest.mid-write", false), ("ingest.after-fsync", false), ("ingest.after-rename", false),
        ("ingest.after-create#2", false), ("ingest.mid-write#2", false), ("ingest.after-fsync#2", false),
        ("ingest.after-rename#2", false), ("catalog.before-commit#2", false), ("catalog.after-commit#2", true),
        ("catalog.before-commit#3", true), ("catalog.after-commit#3", true),
    ]

    static let command = ["adapter", "add", Fixtures.path("adapters/llama-mts"), "--name", "mts", "--json"]

    @Test(arguments: points)
    func aKilledAdapterAddLeavesNoHalfAdapterAndTheRetryRegistersIt(point: String, registered: Bool) throws {
        let store = try StoreTemplates.shared.copy(.registered)
        try store.crash(Self.command, at: point)
        let adapters = try store.json("ls", "adapters").arrayValue?.compactMap { $0["ref"]?.stringValue } ?? []
        #expect(adapters.contains("mts@1") == registered, "\(adapters)")
        try store.expectConsistent()

        let retry = try store.loom(Self.command).json()
        #expect(retry["ref"]?.stringValue == "mts@1" && retry["created"] == .bool(!registered))
        #expect(try store.eventCount("adapter.add") == 3)
        #expect(store.inspector.badBlobs().isEmpty)
        let report = try store.expectConsistent()
        #expect(report["live_leases"]?.arrayValue?.isEmpty == true)
        // The adapter is whole: it builds.
        #expect(try store.json("build", "mts")["cached"] == .bool(false))
        try store.expectArtifactsComplete()
    }
}
