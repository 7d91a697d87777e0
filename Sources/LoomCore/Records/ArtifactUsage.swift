package import Foundation

/// What gc needs to know about one artifact: its size, use, pin and the blobs it references.
///
/// Read by ``CatalogReader/artifactUsage()`` without parsing recipes or provenance. A value snapshot.
package struct ArtifactUsage: Sendable, Equatable {
    /// The key, `sha256:…`.
    package let key: String
    /// Bytes over all files (`total_size`).
    package let totalSize: Int64
    /// Pinned artifacts are gc roots.
    package let pinned: Bool
    /// When a build last hit it.
    package let lastUsedAt: Date
    /// The digests of its files, in path order (a digest may repeat).
    package let digests: [String]

    /// A value with the given fields.
    package init(key: String, totalSize: Int64, pinned: Bool, lastUsedAt: Date, digests: [String]) {
        self.key = key
        self.totalSize = totalSize
        self.pinned = pinned
        self.lastUsedAt = lastUsedAt
        self.digests = digests
    }
}
