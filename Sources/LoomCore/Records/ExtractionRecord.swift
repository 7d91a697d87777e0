package import Foundation

/// Where an extracted adapter came from: one `adapter_extraction` row (migration 0010).
///
/// Only adapters made by `loom adapter extract` have one. A value snapshot; also the draft a caller
/// passes to ``CatalogStore/recordExtraction(adapterID:_:)`` (the catalog sets ``createdAt``).
package struct ExtractionRecord: Sendable, Equatable {
    /// `sha256:` manifest digest of the base version the delta was taken against.
    package var baseManifestDigest: String
    /// `sha256:` manifest digest of the tuned model directory (what `loom base add` would record).
    package var tunedManifestDigest: String
    /// The directory the tuned model was read from (informational).
    package var tunedSource: String?
    /// The rank asked for (weights with fewer rows or columns got less, see the adapter's rank_pattern).
    package var rank: Int
    /// `exact` or `randomized`.
    package var method: String
    /// The randomized sketch's seed; nil for `exact`.
    package var seed: Int64?
    /// When it was recorded.
    package var createdAt: Date

    /// A draft; see each property.
    package init(
        baseManifestDigest: String, tunedManifestDigest: String, tunedSource: String?, rank: Int, method: String, seed: Int64?,
        createdAt: Date = Date(timeIntervalSince1970: 0)
    ) {
        self.baseManifestDigest = baseManifestDigest
        self.tunedManifestDigest = tunedManifestDigest
        self.tunedSource = tunedSource
        self.rank = rank
        self.method = method
        self.seed = seed
        self.createdAt = createdAt
    }
}
