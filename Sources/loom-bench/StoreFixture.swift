import BlobStore
import LoomBackends
import Registry
import LoomCore
import Foundation
import LoomJSON
import Logging
import LoomBackends

/// What the bench does to a loom store directly, through the catalog protocol and BlobStore APIs, between timed
/// runs: drop built artifacts so that the next build is cold, and seed a copy of a store with
/// synthetic artifacts for `ls` and gc.
///
/// Each function opens the catalog, works, and lets it close before returning, so that no connection
/// of the bench is open while a timed `loom` child runs.
enum StoreFixture {
    /// Deletes every artifact of the store at `root`: its catalog row (with an `artifact.evict` event),
    /// its `artifacts/<hex>/` directory, and those of its blobs that no base, adapter or remaining
    /// artifact refers to. A store without a catalog has nothing to delete.
    ///
    /// - Returns: how many artifacts were deleted.
    /// - Throws: catalog and blob store errors.
    @discardableResult
    static func removeArtifacts(store root: String) throws -> Int {
        guard let catalog = try open(root) else { return 0 }
        let blobs = try StoreBackends.blobStore(root: root)
        let fm = FileManager.default
        var removed = 0
        for artifact in try catalog.artifacts() {
            let deleted = try catalog.deleteArtifact(key: artifact.key, reason: "loom-bench: next build must be cold")
            let referenced = try catalog.referencedBlobs()
            for file in deleted.files ?? [] where referenced[file.digest] == nil {
                if let digest = Digest(parsing: file.digest) { try blobs.delete(digest) }
            }
            try? fm.removeItem(atPath: root + "/artifacts/" + String(artifact.key.dropFirst(Digest.prefix.count)))
            removed += 1
        }
        return removed
    }

    /// The number of artifacts in the store at `root` (0 without a catalog).
    static func artifactCount(store root: String) throws -> Int {
        try open(root)?.artifacts().count ?? 0
    }

    /// The sum of every artifact's recorded size in the store at `root` (0 without a catalog): what a gc
    /// budget is compared with.
    static func artifactBytes(store root: String) throws -> Int64 {
        try open(root)?.artifacts().reduce(0) { $0 + $1.totalSize } ?? 0
    }

    /// Makes `destination` a copy of the store at `source` that shares its blobs: the catalog files are
    /// copied, `blobs/` is hard-linked (`cp -al`), materialized artifact directories are left out.
    ///
    /// - Precondition: no process is writing to `source`.
    /// - Throws: ``BenchError`` when a copy fails.
    static func copyStore(from source: String, to destination: String, scratch: String) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: destination)
        do {
            try fm.createDirectory(atPath: destination, withIntermediateDirectories: true)
        } catch {
            throw BenchError("cannot create \(destination): \(error.localizedDescription)")
        }
        // The WAL travels with the database; the shared-memory index is rebuilt from it on open.
        let catalogFiles = ["catalog.sqlite", "catalog.sqlite-wal"].map { source + "/" + $0 }.filter { fm.fileExists(atPath: $0) }
        try ChildProcess.check(["cp"] + catalogFiles + [destination + "/"], scratch: scratch)
        try ChildProcess.check(["cp", "-al", source + "/blobs", destination + "/blobs"], scratch: scratch)
    }

    /// Adds synthetic artifacts to the store at `root` until it holds `total`, each a variant of the
    /// store's first artifact: the same base, dtype and provenance, its adapters at a different weight
    /// (so each recipe and key differ, and the key is the recipe's real sha256), and fake digests for
    /// every file the base does not share. One catalog transaction per artifact, as `loom build` does.
    ///
    /// - Parameter log: receives a line every 1,000 artifacts.
    /// - Throws: ``BenchError`` when the store has no artifact to copy; catalog errors.
    static func seed(store root: String, total: Int, log: (String) -> Void) throws {
        guard let catalog = try open(root), let first = try catalog.artifacts().first,
            let template = try catalog.artifact(key: first.key), let files = template.files
        else {
            throw BenchError("the store \(root) has no artifact to model synthetic ones on")
        }
        var shared = Set<String>()
        for base in try catalog.bases() { shared.formUnion(try catalog.baseFiles(baseID: base.id).map(\.digest)) }
        let existing = try catalog.artifacts().count
        guard existing < total else { return }
        for i in 0..<(total - existing) {
            let weight = Double(i + 2)
            let recipe = reweighted(template.recipe, weight: weight)
            let key = Digest(hashing: JSONWriter.canonical.bytes(recipe)).description
            let draft = NewArtifact(
                key: key, recipe: recipe, baseDigest: template.baseDigest, dtype: template.dtype,
                engineVersion: template.engineVersion, totalSize: template.totalSize, provenance: template.provenance)
            let inputs = template.inputs.map { ArtifactInput(position: $0.position, adapterDigest: $0.adapterDigest, weight: weight) }
            let fakeFiles = files.map { file in
                shared.contains(file.digest)
                    ? file
                    : FileEntry(path: file.path, digest: Digest(hashing: Array("loom-bench fake \(i) \(file.path)".utf8)).description, size: file.size)
            }
            _ = try catalog.insertArtifact(draft, inputs: inputs, files: fakeFiles)
            if (existing + i + 1) % 1000 == 0 { log("seeded \(existing + i + 1) of \(total) artifacts") }
        }
    }

    /// `recipe` with every adapter's `weight` set to `weight`; other recipes are returned unchanged.
    private static func reweighted(_ recipe: JSONValue, weight: Double) -> JSONValue {
        guard case .object(var object) = recipe, case .array(let adapters)? = object["adapters"] else { return recipe }
        object["adapters"] = .array(
            adapters.map { adapter in
                guard case .object(var fields) = adapter else { return adapter }
                fields["weight"] = .double(weight)
                return .object(fields)
            })
        return .object(object)
    }

    /// The catalog of the store at `root`, or nil when it has none (nothing is created).
    static func open(_ root: String) throws -> (any CatalogStore)? {
        var logger = Logger(label: "loom-bench")
        logger.logLevel = .warning
        return try StoreBackends.registry(root: root, logger: logger).existingCatalog()
    }
}
