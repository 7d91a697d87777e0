internal import GRDB
internal import LoomCore
internal import LoomJSON
internal import Foundation

/// Decoding a `BaseRecord` from its SQLite row.
extension BaseRecord {
    /// Every column, so that a catalog opened read-only before migration 0007 still reads (without the Hub id).
    static let columns = "base.*"

    init(row: Row) throws {
        let id: Int64 = try row.decode(forColumn: "id")
        let name: String = try row.decode(forColumn: "name")
        let version: Int = try row.decode(forColumn: "version")
        let manifestDigest: String = try row.decode(forColumn: "manifest_digest")
        let architecture: String? = try row.decode(forColumn: "architecture")
        let modelType: String? = try row.decode(forColumn: "model_type")
        let dtype: String = try row.decode(forColumn: "dtype")
        let parameterCount: Int64 = try row.decode(forColumn: "parameter_count")
        let totalSize: Int64 = try row.decode(forColumn: "total_size")
        let tieWordEmbeddings: Bool = try row.flag("tie_word_embeddings")
        let source: String? = try row.decode(forColumn: "source")
        let createdAt: Date = try row.time("created_at")
        // Absent from a catalog opened read-only before migration 0007 was applied to it.
        let hfRepo: String? = row["hf_repo"]
        let hfRevision: String? = row["hf_revision"]
        self.init(id: id, name: name, version: version, manifestDigest: manifestDigest, architecture: architecture, modelType: modelType, dtype: dtype, parameterCount: parameterCount, totalSize: totalSize, tieWordEmbeddings: tieWordEmbeddings, source: source, createdAt: createdAt, hfRepo: hfRepo, hfRevision: hfRevision)
    }
}
