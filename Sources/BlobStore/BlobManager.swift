public import LoomCore

/// Lists, checks and deletes what the store holds; the capability garbage collection and `verify` need.
///
/// Listing never rehashes; ``verify(_:size:)`` does. Implementations are safe to call from any thread.
public protocol BlobManager: Sendable {
    /// Deletes a committed blob. Idempotent: an absent blob is a success.
    /// - Warning: the caller decides that nothing refers to the blob any more (under its own lock); a
    ///   writer committing the same bytes at the same time may find it existing and then gone.
    /// - Throws: ``BlobStoreError`` of kind `io` when the blob exists and cannot be removed.
    func delete(_ digest: Digest) throws

    /// Every committed blob, exactly (no in-flight or aborted write), in digest order, with its size and
    /// commit time. Never rehashes.
    /// - Throws: ``BlobStoreError`` of kind `io` when the store cannot be listed. An empty or
    ///   never-written store lists nothing.
    func allBlobs() throws -> [StoredBlob]

    /// Rehashes a blob and says whether it still matches its name (and `size`, when given, compared
    /// before hashing). Changes nothing.
    /// - Throws: ``BlobStoreError`` of kind `io` when the blob exists but cannot be read.
    func verify(_ digest: Digest, size: Int64?) throws -> VerifyOutcome
}

extension BlobManager {
    /// ``verify(_:size:)`` without an expected size.
    public func verify(_ digest: Digest) throws -> VerifyOutcome {
        try verify(digest, size: nil)
    }
}
