package import Foundation

/// A registered base model version, as stored: one `base` row.
///
/// A value snapshot; it does not change when the catalog does.
package struct BaseRecord: Sendable, Equatable {
    /// The row id. Ids are not AUTOINCREMENT: once the highest row is removed its id can come back,
    /// so keep names or digests, not ids, across transactions.
    package let id: Int64
    /// The name users register and build with; unique across bases and adapters.
    package let name: String
    /// One more than the highest version the name had ever had when registered (1 for a new name);
    /// a removed version's number is never given again, so `name@version` always means these bytes.
    package let version: Int
    /// `sha256:` of the canonical manifest (`[[path, digest, size], ...]` sorted by path).
    package let manifestDigest: String
    /// `config.json` `architectures[0]`, when present.
    package let architecture: String?
    /// `config.json` `model_type`, when present.
    package let modelType: String?
    /// The checkpoint's floating dtype (`f32`, `f16`, `bf16`, or the safetensors name).
    package let dtype: String
    /// Elements over all tensors.
    package let parameterCount: Int64
    /// Bytes over all files.
    package let totalSize: Int64
    /// `config.json` `tie_word_embeddings`: the head shares the embedding matrix.
    package let tieWordEmbeddings: Bool
    /// The directory it was registered from (informational).
    package let source: String?
    /// When this version was registered (to the millisecond).
    package let createdAt: Date
    /// The Hugging Face Hub repo id (`org/name`) it was taken from, when known (migration 0007).
    package let hfRepo: String?
    /// The Hub revision (a commit hash, or what `--hf-id` gave after `@`), when known.
    package let hfRevision: String?

    /// `org/name@revision`, `org/name`, or nil.
    package var hfID: String? { hfRepo.map { r in hfRevision.map { "\(r)@\($0)" } ?? r } }

    /// `name@version`, as users write it.
    package var reference: String { "\(name)@\(version)" }

    /// A record with the given fields (backends decode rows into it; tests build it directly).
    package init(id: Int64, name: String, version: Int, manifestDigest: String, architecture: String?, modelType: String?, dtype: String, parameterCount: Int64, totalSize: Int64, tieWordEmbeddings: Bool, source: String?, createdAt: Date, hfRepo: String?, hfRevision: String?) {
        self.id = id
        self.name = name
        self.version = version
        self.manifestDigest = manifestDigest
        self.architecture = architecture
        self.modelType = modelType
        self.dtype = dtype
        self.parameterCount = parameterCount
        self.totalSize = totalSize
        self.tieWordEmbeddings = tieWordEmbeddings
        self.source = source
        self.createdAt = createdAt
        self.hfRepo = hfRepo
        self.hfRevision = hfRevision
    }
}

/// What a caller supplies to register a base version; the catalog assigns id, version and time.
package struct NewBase: Sendable, Equatable {
    /// 1 to 128 characters, no `@`; must not be an adapter's name.
    package var name: String
    /// `sha256:` of the canonical manifest; the content identity of the version.
    package var manifestDigest: String
    /// As ``BaseRecord/architecture``.
    package var architecture: String?
    /// As ``BaseRecord/modelType``.
    package var modelType: String?
    /// As ``BaseRecord/dtype``.
    package var dtype: String
    /// As ``BaseRecord/parameterCount``.
    package var parameterCount: Int64
    /// As ``BaseRecord/totalSize``.
    package var totalSize: Int64
    /// As ``BaseRecord/tieWordEmbeddings``.
    package var tieWordEmbeddings: Bool
    /// As ``BaseRecord/source``.
    package var source: String?
    /// As ``BaseRecord/hfRepo``.
    package var hfRepo: String?
    /// As ``BaseRecord/hfRevision`` (only with ``hfRepo``).
    package var hfRevision: String?
    /// Further names for the base (``CatalogStore/addBaseAlias(_:to:)``).
    package var aliases: [String]

    /// A draft; see each property.
    package init(
        name: String, manifestDigest: String, architecture: String? = nil, modelType: String? = nil,
        dtype: String, parameterCount: Int64, totalSize: Int64, tieWordEmbeddings: Bool = false,
        source: String? = nil, hfRepo: String? = nil, hfRevision: String? = nil, aliases: [String] = []
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
        self.hfRepo = hfRepo
        self.hfRevision = hfRevision
        self.aliases = aliases
    }
}
