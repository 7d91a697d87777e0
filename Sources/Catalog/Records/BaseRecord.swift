package import Foundation
internal import GRDB

/// A registered base model version, as stored: one `base` row.
///
/// A value snapshot; it does not change when the catalog does.
package struct BaseRecord: Sendable, Equatable {
    package let id: Int64
    package let name: String
    /// 1 for the first registration of a name, then one more per distinct manifest.
    package let version: Int
    /// `sha256:` of the canonical manifest (`[[path, digest, size], ...]` sorted by path).
    package let manifestDigest: String
    /// `config.json` `architectures[0]`, when present.
    package let architecture: String?
    /// `config.json` `model_type`, when present.
    package let modelType: String?
    /// The checkpoint's floating dtype (`f32`, `f16`, `bf16`, or the safetensors name).
    package let dtype: String
    package let parameterCount: Int64
    package let totalSize: Int64
    package let tieWordEmbeddings: Bool
    /// The directory it was registered from (informational).
    package let source: String?
    package let createdAt: Date

    /// `name@version`, as users write it.
    package var reference: String { "\(name)@\(version)" }

    static let columns =
        "base.id, base.name, base.version, base.manifest_digest, base.architecture, base.model_type, base.dtype, "
        + "base.parameter_count, base.total_size, base.tie_word_embeddings, base.source, base.created_at"

    init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        version = try row.decode(forColumn: "version")
        manifestDigest = try row.decode(forColumn: "manifest_digest")
        architecture = try row.decode(forColumn: "architecture")
        modelType = try row.decode(forColumn: "model_type")
        dtype = try row.decode(forColumn: "dtype")
        parameterCount = try row.decode(forColumn: "parameter_count")
        totalSize = try row.decode(forColumn: "total_size")
        tieWordEmbeddings = try row.flag("tie_word_embeddings")
        source = try row.decode(forColumn: "source")
        createdAt = try row.time("created_at")
    }
}

/// What a caller supplies to register a base version; the catalog assigns id, version and time.
package struct NewBase: Sendable, Equatable {
    package var name: String
    package var manifestDigest: String
    package var architecture: String?
    package var modelType: String?
    package var dtype: String
    package var parameterCount: Int64
    package var totalSize: Int64
    package var tieWordEmbeddings: Bool
    package var source: String?

    package init(
        name: String, manifestDigest: String, architecture: String? = nil, modelType: String? = nil,
        dtype: String, parameterCount: Int64, totalSize: Int64, tieWordEmbeddings: Bool = false,
        source: String? = nil
    ) {
        self.name = name
        self.manifestDigest = manifestDigest
        self.architecture = architecture
        self.modelType = modelType
        self.dtype = dtype
        self.parameterCount = parameterCount
        self.totalSize = totalSize
        self.tieWordEmbeddings = tieWordEmbeddings
        self.source = source
    }
}
