import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Registry

/// containerd-style: craft a store, mark every object keep or delete, run gc once, check each object.
@Suite struct GCTableTests {
    static let hour = GCStore.hour

    @Test func everyObjectIsKeptOrDeletedAsMarked() throws {
        let store = try GCStore()
        let catalog = try store.catalog()
        let a1 = try store.build([("llama-qv", 1)], dtype: .f32)  // least recently used: evicted
        let a2 = try store.build([("llama-qv", 1)], dtype: .f16)  // pinned
        let a3 = try store.build([("llama-qv-b", 1)], dtype: .f32)  // evicted; its config.json is a1's
        let a4 = try store.build([("llama-qv", 0.5), ("llama-qv-b", 0.5)], dtype: .bf16)
        let a5 = try store.build([("llama-qv-b", 1)], dtype: .f16)  // most recently used; its config.json is a2's
        try catalog.setPinned(key: a2.key, true)
        let deadLease = "build:" + a1.key
        try store.plantLease(deadLease, pid: GCStore.deadPID())

        let removed = try store.harness.addAdapter("llama-layers")
        let removedFiles = try catalog.adapterFiles(adapterID: removed.record.id)
        _ = try store.registry.remove(.adapter, Reference(name: "llama-layers"), cascade: false)
        for file in removedFiles { store.setAge(store.blobPath(file.digest), 2 * Self.hour) }
        #expect(removedFiles.allSatisfy { store.hasBlob($0.digest) }, "rm leaves the blobs to gc")

        let oldBlob = try store.looseBlob("written, never committed", age: 2 * Self.hour)
        let freshBlob = try store.looseBlob("written, commit in flight", age: 10 * 60)
        let staleIngest = try store.ingestFile(GCStore.abandonedIngestName(), bytes: 300, age: 3 * Self.hour)
        let freshIngest = try store.ingestFile("\(try GCStore.deadPID())-00000000000f4e54.part", bytes: 50, age: 60)
        let runningIngest = try store.ingestFile("\(getpid())-000000000000510e.part", bytes: 70, age: 3 * Self.hour)
        let staleScratch = try store.ingestDirectory("rebuild-\(try GCStore.deadPID())-1f", bytes: 400, age: 3 * Self.hour)
        let oldOrphan = try store.orphanDirectory("old orphan", age: 2 * Self.hour)
        let freshOrphan = try store.orphanDirectory("fresh orphan", age: 60)
        let oldLeftover = try store.artifactsEntry(".tmp-0123456789abcdef-1-2", age: 2 * Self.hour)
        let freshLeftover = try store.artifactsEntry(".trash-0123456789abcdef-1-3", age: 60)

        let base = try #require(try catalog.base(name: "llama-tiny"))
        let baseFiles = Dictionary(uniqueKeysWithValues: try catalog.baseFiles(baseID: base.id).map { ($0.path, $0.digest) })
        var adapterFiles: [String: String] = [:]
        for name in ["llama-qv", "llama-qv-b"] {
            let adapter = try #require(try catalog.adapter(name: name))
            for file in try catalog.adapterFiles(adapterID: adapter.id) { adapterFiles["\(name)/\(file.path)"] = file.digest }
        }
        func file(_ artifact: ArtifactRecord, _ path: String) throws -> String {
            try #require(artifact.files?.first { $0.path == path }).digest
        }
        // What the table assumes about which blobs the merge shares.
        #expect(try file(a1, "config.json") == file(a3, "config.json"))
        #expect(try file(a2, "config.json") == file(a5, "config.json"))
        #expect(try file(a4, "config.json") == baseFiles["config.json"])
        #expect(try [a1, a2, a3, a4, a5].allSatisfy { try file($0, "generation_config.json") == baseFiles["generation_config.json"] })
        #expect(try Set([a1, a2, a3, a4, a5].map { try file($0, "model.safetensors") }).count == 5)
        #expect(Set(removedFiles.map(\.digest)).isDisjoint(with: Set(adapterFiles.values).union(baseFiles.values)))

        let result = try store.gc(maxSize: a2.totalSize + a4.totalSize + a5.totalSize)

        let unreferenced = GCPlan.Reason.unreferenced
        let blobTable: [(String, String, String?)] = [
            ("base model.safetensors", try #require(baseFiles["model.safetensors"]), nil),
            ("base config.json, also a4's", try #require(baseFiles["config.json"]), nil),
            ("generation_config.json of the base and every artifact", try #require(baseFiles["generation_config.json"]), nil),
            ("llama-qv config", try #require(adapterFiles["llama-qv/adapter_config.json"]), nil),
            ("llama-qv weights", try #require(adapterFiles["llama-qv/adapter_model.safetensors"]), nil),
            ("llama-qv-b config", try #require(adapterFiles["llama-qv-b/adapter_config.json"]), nil),
            ("llama-qv-b weights", try #require(adapterFiles["llama-qv-b/adapter_model.safetensors"]), nil),
            ("a1 model, evicted", try file(a1, "model.safetensors"), GCPlan.Reason.freed(by: a1.key)),
            ("f32 config.json of a1 and a3, both evicted", try file(a1, "config.json"), GCPlan.Reason.freed(by: a1.key)),
            ("a3 model, evicted", try file(a3, "model.safetensors"), GCPlan.Reason.freed(by: a3.key)),
            ("a2 model, pinned", try file(a2, "model.safetensors"), nil),
            ("f16 config.json of a2 and a5", try file(a2, "config.json"), nil),
            ("a4 model, within budget", try file(a4, "model.safetensors"), nil),
            ("a5 model, most recently used", try file(a5, "model.safetensors"), nil),
            ("removed adapter's config, old", removedFiles[0].digest, unreferenced),
            ("removed adapter's weights, old", removedFiles[1].digest, unreferenced),
            ("unreferenced blob, 2 h old", oldBlob, unreferenced),
            ("unreferenced blob, 10 min old", freshBlob, nil),
        ]
        for (label, digest, reason) in blobTable {
            #expect(store.hasBlob(digest) == (reason == nil), "blob: \(label)")
            #expect(result.blobs.first { $0.digest == digest }?.reason == reason, "blob: \(label)")
        }
        #expect(Set(result.blobs.map(\.digest)) == Set(blobTable.compactMap { $0.2 == nil ? nil : $0.1 }), "nothing else goes")

        let artifactTable: [(String, ArtifactRecord, Bool)] = [
            ("a1, least recently used", a1, true), ("a2, pinned", a2, false), ("a3, over budget", a3, true),
            ("a4, within budget", a4, false), ("a5, most recently used", a5, false),
        ]
        for (label, artifact, evicted) in artifactTable {
            #expect(try (catalog.artifact(key: artifact.key) == nil) == evicted, "artifact: \(label)")
            #expect(store.exists(store.directory(of: artifact)) == !evicted, "directory of artifact: \(label)")
        }
        #expect(result.artifacts.map(\.key) == [a1.key, a3.key], "least recently used first")
        #expect(result.artifacts.allSatisfy { $0.reason == GCPlan.Reason.overBudget })

        let fileTable: [(String, String, Bool)] = [
            ("ingest file, 3 h old", staleIngest, true), ("ingest file, 1 min old, its writer gone (no grace)", freshIngest, true),
            ("ingest file, 3 h old, its writer still runs", runningIngest, false),
            ("rebuild scratch directory, 3 h old", staleScratch, true),
            ("orphan directory, 2 h old", oldOrphan, true), ("orphan directory, 1 min old", freshOrphan, false),
            (".tmp- leftover, 2 h old", oldLeftover, true), (".trash- leftover, 1 min old", freshLeftover, false),
        ]
        for (label, path, deleted) in fileTable {
            #expect(store.exists(path) == !deleted, "\(label)")
        }
        #expect(Set(result.ingest.map(\.path)) == [staleIngest, freshIngest, staleScratch])
        #expect(
            Set(result.directories.map(\.path))
                == [oldOrphan, oldLeftover, store.directory(of: a1), store.directory(of: a3)])

        #expect(result.leases.map(\.name) == [deadLease] && result.leases.first?.reason == "holder gone")
        #expect(try catalog.leases().isEmpty)
        #expect(result.skipped.isEmpty)
        #expect(result.bytesFreed == result.blobs.reduce(0) { $0 + $1.size } + 300 + 50 + 400)
        #expect(try store.everyArtifactIsComplete())

        let events = try catalog.events(after: 0, limit: 10_000)
        #expect(events.filter { $0.kind == "artifact.evict" }.map(\.subject) == [a1.key, a3.key])
        let sweep = try #require(events.last { $0.kind == "gc.sweep" })
        #expect(Set(sweep.detail["deleted"]?.arrayValue?.compactMap(\.stringValue) ?? []) == Set(result.blobs.map(\.digest)))
        #expect(try catalog.verifyChain().isEmpty)
    }
}
