public import LoomCore

/// A committed blob: its digest and its size in bytes.
public struct BlobInfo: Hashable, Sendable {
    /// The digest that names the blob.
    public let digest: Digest
    /// The size in bytes.
    public let size: Int64

    /// Pairs a digest with a size; checks nothing.
    public init(digest: Digest, size: Int64) {
        self.digest = digest
        self.size = size
    }
}
