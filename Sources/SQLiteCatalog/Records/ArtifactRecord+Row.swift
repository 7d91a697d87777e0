internal import GRDB
internal import LoomCore
internal import LoomJSON
internal import Foundation

/// Decoding a `ArtifactRecord` from its SQLite row.
extension ArtifactRecord {
    static let columns =
        "id, key, recipe, base_digest, dtype, engine_version, total_size, provenance, pinned, created_at, last_used_at"

    init(row: Row, inputs: [ArtifactInput], files: [FileEntry]?) throws {
        let id: Int64 = try row.decode(forColumn: "id")
        let key: String = try row.decode(forColumn: "key")
        let recipe: JSONValue = try row.json("recipe")
        let baseDigest: String = try row.decode(forColumn: "base_digest")
        let dtype: String = try row.decode(forColumn: "dtype")
        let engineVersion: String = try row.decode(forColumn: "engine_version")
        let totalSize: Int64 = try row.decode(forColumn: "total_size")
        let provenance: JSONValue = try row.json("provenance")
        let pinned: Bool = try row.flag("pinned")
        let createdAt: Date = try row.time("created_at")
        let lastUsedAt: Date = try row.time("last_used_at")
        self.init(id: id, key: key, recipe: recipe, baseDigest: baseDigest, dtype: dtype, engineVersion: engineVersion, totalSize: totalSize, provenance: provenance, pinned: pinned, createdAt: createdAt, lastUsedAt: lastUsedAt, inputs: inputs, files: files)
    }
}
