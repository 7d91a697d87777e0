import BlobStore
import LoomCore
import Foundation
import LoomJSON

/// The catalog's own costs, measured in this process (no loom child, no process start): the reads every
/// listing, audit and gc makes over a store of ``BenchRunner/syntheticArtifactCount`` artifacts, and the
/// writes a build makes. Each operation is one row; its wall time is the median over the runs.
///
/// Works on its own copy of a seeded store (writes go there, not to the ls store other measures use).
struct CatalogMeasure {
    /// One timed operation: its row and what it does with the catalog in a given run (1-based; 0 is the warm-up).
    struct Operation {
        let row: Row
        let body: (any CatalogStore, Int) throws -> Void
    }

    /// How many lookups, inserts and touches one run makes.
    static let lookups = 1000
    static let writes = 200

    let catalog: any CatalogStore
    /// Artifact keys and file digests in the store, read once before timing.
    let keys: [String]
    let fileDigests: [String]
    let template: ArtifactRecord

    /// Reads what the operations look up from `catalog` (untimed).
    init(catalog: any CatalogStore) throws {
        self.catalog = catalog
        let artifacts = try catalog.snapshot { try $0.artifacts(includingFiles: true) }
        guard let first = artifacts.first else { throw BenchError("the catalog copy has no artifacts") }
        template = first
        keys = artifacts.map(\.key)
        fileDigests = artifacts.compactMap { $0.files?.last?.digest }
    }

    /// The rows, with their titles and targets, in the order they run.
    static func rows(artifacts count: Int) -> [Row] {
        let n = Units.grouped(count)
        return [
            Row(id: "catalog_list", title: "catalog: artifacts() with inputs, \(n) artifacts", target: .wall(0.5)),
            Row(id: "catalog_list_files", title: "catalog: artifacts with files in one snapshot, \(n) artifacts", target: .wall(1.0)),
            Row(id: "catalog_referenced_blobs", title: "catalog: referencedBlobs(), \(n) artifacts", target: .wall(0.5)),
            Row(id: "catalog_lookup", title: "catalog: artifact(key:) ×\(Units.grouped(lookups))", target: .wall(0.5)),
            Row(id: "catalog_holders", title: "catalog: holders(ofDigest:) ×\(Units.grouped(lookups))", target: .wall(0.5)),
            Row(id: "catalog_insert", title: "catalog: insertArtifact ×\(writes), one transaction and event each", target: .wall(2.0)),
            Row(id: "catalog_touch", title: "catalog: touchArtifact ×\(writes)", target: .wall(1.0)),
            Row(id: "catalog_verify_chain", title: "catalog: verifyChain() over every event", target: .wall(1.0)),
            Row(id: "catalog_integrity", title: "catalog: PRAGMA integrity_check", target: .wall(1.0)),
        ]
    }

    /// Each row of ``rows(artifacts:)`` with its body.
    func operations(artifacts count: Int) -> [Operation] {
        let rows = Self.rows(artifacts: count)
        let stride = max(1, keys.count / Self.lookups)
        let sampledKeys = (0..<Self.lookups).map { keys[($0 * stride) % keys.count] }
        let sampledDigests = (0..<Self.lookups).map { fileDigests[($0 * stride) % max(1, fileDigests.count)] }
        let bodies: [(any CatalogStore, Int) throws -> Void] = [
            { catalog, _ in try Self.expect(catalog.artifacts().count >= count, "artifacts() lists fewer than \(count)") },
            { catalog, _ in _ = try catalog.snapshot { try $0.artifacts(includingFiles: true) } },
            { catalog, _ in try Self.expect(!catalog.referencedBlobs().isEmpty, "referencedBlobs() is empty") },
            { catalog, _ in
                for key in sampledKeys { try Self.expect(catalog.artifact(key: key) != nil, "artifact \(key) not found") }
            },
            { catalog, _ in
                for digest in sampledDigests { try Self.expect(!catalog.holders(ofDigest: digest).isEmpty, "no holder of \(digest)") }
            },
            { catalog, run in try insert(into: catalog, run: run) },
            { catalog, _ in for key in sampledKeys.prefix(Self.writes) { try catalog.touchArtifact(key: key) } },
            { catalog, _ in try Self.expect(catalog.verifyChain().isEmpty, "the event chain is broken") },
            { catalog, _ in try Self.expect(catalog.integrityCheck().isEmpty, "integrity_check reported problems") },
        ]
        return zip(rows, bodies).map { Operation(row: $0, body: $1) }
    }

    /// ``writes`` new artifacts modelled on ``template``, with keys and file digests unique to `run`.
    private func insert(into catalog: any CatalogStore, run: Int) throws {
        for i in 0..<Self.writes {
            let key = Digest(hashing: Array("loom-bench insert \(run) \(i)".utf8)).description
            let draft = NewArtifact(
                key: key, recipe: template.recipe, baseDigest: template.baseDigest, dtype: template.dtype,
                engineVersion: template.engineVersion, totalSize: template.totalSize, provenance: template.provenance)
            let files = (template.files ?? []).map {
                FileEntry(path: $0.path, digest: Digest(hashing: Array("\(key) \($0.path)".utf8)).description, size: $0.size)
            }
            _ = try catalog.insertArtifact(draft, inputs: template.inputs, files: files)
        }
    }

    private static func expect(_ condition: Bool, _ message: String) throws {
        if !condition { throw BenchError("catalog: " + message) }
    }
}
