import Foundation
import LoomJSON
import LoomTesting
import Testing

/// A full disk, simulated with `LOOM_FAULT_ENOSPC_AFTER=<bytes>` (every data write that would take a file
/// in `ingest/` past that many bytes fails with ENOSPC): `base add` and `build` fail with one clear line,
/// leave no partial blob, no new row and nothing in `ingest/`, and succeed once the disk has room.
@Suite(.serialized) struct ENOSPCTests {
    /// What the store holds, as a user sees it (`ls --json`) and below (blob files, ingest entries, leases).
    struct Snapshot: Equatable {
        var listing: JSONValue
        var leases: [StoreInspector.Lease]
    }

    static func snapshot(_ store: CLIStore) throws -> Snapshot {
        Snapshot(listing: try store.json("ls"), leases: try store.inspector.leases())
    }

    /// Requires a failed run that names the full disk and `file` in one line, and a store left as `before`.
    static func expectCleanFailure(_ run: LoomRun, naming file: String, store: CLIStore, before: Snapshot) throws {
        #expect(run.status != 0 && run.signal == nil, "\(run)")
        #expect(run.stdout.isEmpty, "\(run)")
        #expect(run.stderrLines.count == 1, "not one line:\n\(run)")
        #expect(run.stderr.contains("No space left on device") && run.stderr.contains(file), "\(run)")
        #expect(try snapshot(store) == before, "the failed command changed the catalog")
        #expect(store.inspector.badBlobs().isEmpty, "a partial blob is visible: \(store.inspector.badBlobs())")
        #expect(store.inspector.ingestEntries().isEmpty, "left in ingest/: \(store.inspector.ingestEntries())")
        try store.expectConsistent()
    }

    /// Limits: the first byte of the first file, part-way into the weights, one byte short of them.
    @Test(arguments: [1, 100_000, 486_983])
    func baseAddOnAFullDiskFailsCleanlyAndSucceedsWithRoom(limit: Int) throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let before = try Self.snapshot(store)
        let directory = Fixtures.path("bases/gpt2-tiny")
        let full = try store.loom(
            ["base", "add", directory, "--name", "gpt2-tiny"], environment: ["LOOM_FAULT_ENOSPC_AFTER": "\(limit)"])
        try Self.expectCleanFailure(full, naming: limit == 1 ? directory + "/" : directory + "/model.safetensors", store: store, before: before)

        let added = try store.json("base", "add", directory, "--name", "gpt2-tiny")
        #expect(added["created"] == .bool(true) && added["ref"]?.stringValue == "gpt2-tiny@1")
        #expect(store.inspector.badBlobs().isEmpty)
        try store.expectConsistent()
    }

    /// A full disk during `adapter add` is an I/O error that says so (exit 1), not invalid input asking whether
    /// the file changed while being registered (exit 3). Limits: in adapter_config.json, part-way into the weights.
    @Test(arguments: [1, 10_000])
    func adapterAddOnAFullDiskSaysTheDiskIsFullAndSucceedsWithRoom(limit: Int) throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let before = try Self.snapshot(store)
        let directory = Fixtures.path("adapters/llama-mts")
        let full = try store.loom(
            ["adapter", "add", directory, "--name", "mts"], environment: ["LOOM_FAULT_ENOSPC_AFTER": "\(limit)"])
        try Self.expectCleanFailure(full, naming: directory + "/", store: store, before: before)
        #expect(full.status == 1 && full.stderr.contains("disk is full") && !full.stderr.contains("did it change"), "\(full)")

        let added = try store.json("adapter", "add", directory, "--name", "mts")
        #expect(added["created"] == .bool(true) && added["ref"]?.stringValue == "mts@1")
        try store.expectConsistent()
    }

    /// Limits: the first byte of the merged shard, part-way, one byte short of it (so every shard write but
    /// the last succeeds).
    @Test(arguments: [1, 100_000, -1])
    func buildOnAFullDiskFailsCleanlyAndSucceedsWithRoom(limit: Int) throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let reference = try StoreTemplates.shared.reference()
        let shard = try #require(reference.files.first { $0.path == "model.safetensors" })
        let bytes = limit < 0 ? shard.size - 1 : Int64(limit)
        let before = try Self.snapshot(store)
        let full = try store.loom(["build", "llama-qv", "--json"], environment: ["LOOM_FAULT_ENOSPC_AFTER": "\(bytes)"])
        try Self.expectCleanFailure(full, naming: "model.safetensors", store: store, before: before)
        #expect(try store.eventCount("artifact.build") == 0)

        let built = try store.json("build", "llama-qv")
        #expect(built["cached"] == .bool(false) && built["key"]?.stringValue == reference.key)
        #expect(try store.inspector.artifacts() == [reference])
        try store.expectArtifactsComplete()
        try store.expectConsistent()
    }
}
