package import Foundation
package import LoomJSON

/// A merged checkpoint in the cache, as stored (one `artifact` row), with its inputs and, when asked, its files.
///
/// A value snapshot; it does not change when the catalog does.
package struct ArtifactRecord: Sendable, Equatable {
    /// The row id.
    package let id: Int64
    /// `sha256:` of ``recipe``; the cache key.
    package let key: String
    /// The canonical resolved recipe.
    package let recipe: JSONValue
    /// Manifest digest of the base.
    package let baseDigest: String
    /// Output dtype: `f32`, `f16`, `bf16`.
    package let dtype: String
    /// The merge engine that built it (part of the key).
    package let engineVersion: String
    /// Bytes over all files.
    package let totalSize: Int64
    /// Names as asked, config fields, host, user, times, versions.
    package let provenance: JSONValue
    /// Pinned artifacts are gc roots.
    package let pinned: Bool
    /// When it was recorded.
    package let createdAt: Date
    /// When a build last hit it (for LRU eviction); never moves backwards.
    package let lastUsedAt: Date
    /// In recipe order.
    package let inputs: [ArtifactInput]
    /// Sorted by path; nil when the query did not load them.
    package private(set) var files: [FileEntry]?

    /// The same record with ``files`` not loaded.
    package var withoutFiles: ArtifactRecord {
        var copy = self
        copy.files = nil
        return copy
    }

    /// A record with the given fields (backends decode rows into it; tests build it directly).
    package init(id: Int64, key: String, recipe: JSONValue, baseDigest: String, dtype: String, engineVersion: String, totalSize: Int64, provenance: JSONValue, pinned: Bool, createdAt: Date, lastUsedAt: Date, inputs: [ArtifactInput], files: [FileEntry]?) {
        self.id = id
        self.key = key
        self.recipe = recipe
        self.baseDigest = baseDigest
        self.dtype = dtype
        self.engineVersion = engineVersion
        self.totalSize = totalSize
        self.provenance = provenance
        self.pinned = pinned
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.inputs = inputs
        self.files = files
    }
}

/// One adapter an artifact was merged from, named by digest (not by row, so removing the adapter
/// leaves the artifact's provenance intact).
package struct ArtifactInput: Sendable, Equatable {
    /// Order in the canonical recipe.
    package var position: Int
    /// Manifest digest of the adapter.
    package var adapterDigest: String
    /// The adapter's weight in the merge; finite.
    package var weight: Double

    /// An input; see each property.
    package init(position: Int, adapterDigest: String, weight: Double) {
        self.position = position
        self.adapterDigest = adapterDigest
        self.weight = weight
    }

}

/// What a caller supplies to record a built artifact; the catalog assigns id and times.
package struct NewArtifact: Sendable, Equatable {
    /// As ``ArtifactRecord/key``; `sha256:` and 64 lowercase hex digits.
    package var key: String
    /// As ``ArtifactRecord/recipe``.
    package var recipe: JSONValue
    /// As ``ArtifactRecord/baseDigest``.
    package var baseDigest: String
    /// As ``ArtifactRecord/dtype``.
    package var dtype: String
    /// As ``ArtifactRecord/engineVersion``.
    package var engineVersion: String
    /// As ``ArtifactRecord/totalSize``.
    package var totalSize: Int64
    /// As ``ArtifactRecord/provenance``.
    package var provenance: JSONValue
    /// As ``ArtifactRecord/pinned``.
    package var pinned: Bool

    /// A draft; see each property.
    package init(
        key: String, recipe: JSONValue, baseDigest: String, dtype: String, engineVersion: String,
        totalSize: Int64, provenance: JSONValue, pinned: Bool = false
    ) {
        self.key = key
        self.recipe = recipe
        self.baseDigest = baseDigest
        self.dtype = dtype
        self.engineVersion = engineVersion
        self.totalSize = totalSize
        self.provenance = provenance
        self.pinned = pinned
    }
}
