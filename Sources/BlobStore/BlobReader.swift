public import LoomCore

/// Finds committed blobs. Never creates, changes or deletes anything.
///
/// Implementations are safe to call from any thread.
public protocol BlobReader: Sendable {
    /// Whether a committed blob with this digest exists. Never throws: an unreadable store answers false.
    func contains(_ digest: Digest) -> Bool

    /// The absolute path where the blob's file is (or would be); the file is read-only and never
    /// changes while it exists. Does not check that it exists.
    func path(of digest: Digest) -> String

    /// The size in bytes of a committed blob.
    /// - Throws: ``BlobStoreError`` of kind `notFound` when it is absent, `io` when it cannot be examined.
    func size(of digest: Digest) throws -> Int64
}
