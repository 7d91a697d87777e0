public import LoomCore

/// Lists, checks and deletes what the store holds; the capability garbage collection and `verify` need.
///
/// Listing never rehashes; ``verify(_:size:)`` does. Implementations are safe to call from any thread.
public protocol BlobManager: Sendable {
    /// Deletes a committed blob. Idempotent: an absent blob is a success.
    /// - Warning: the caller decides that nothing refers to the blob any more (under its own lock).
    /// - Throws: ``BlobStoreError`` of kind `io` when the file exists and cannot be removed.
    func delete(_ digest: Digest) throws

    /// Every well-formed blob file (`blobs/sha256/<xx>/<64 hex starting with xx>`), in digest order.
    /// Names that are not blob names are left out and listed by ``strayFiles()``.
    /// - Throws: ``BlobStoreError`` of kind `io` when a directory cannot be read. An empty or
    ///   never-written store lists nothing.
    func allBlobs() throws -> [StoredBlob]

    /// Entries under `blobs/` that are not well-formed blob files (wrong name, wrong fan-out
    /// directory, not a regular file), for reporting; never deleted by the store.
    /// - Throws: ``BlobStoreError`` of kind `io` when a directory cannot be read.
    func strayFiles() throws -> [StoreFile]

    /// Rehashes a blob's file and says whether it still matches its name (and `size`, when given).
    /// Changes nothing.
    /// - Throws: ``BlobStoreError`` of kind `io` when the file exists but cannot be read.
    func verify(_ digest: Digest, size: Int64?) throws -> VerifyOutcome

    /// The files in `ingest/`: in-flight writes of live writers, or leftovers of crashed ones.
    /// - Throws: ``BlobStoreError`` of kind `io` when the directory cannot be read.
    func ingestFiles() throws -> [StoreFile]

    /// Removes a file listed by ``ingestFiles()``. Idempotent: an absent file is a success.
    /// - Warning: a live writer's file can be removed too; its commit then fails. Only remove files
    ///   older than any ingest can take.
    /// - Throws: ``BlobStoreError`` of kind `invalid` for a path that is not directly in `ingest/`,
    ///   `io` when removal fails.
    func removeIngestFile(_ path: String) throws
}

extension BlobManager {
    /// ``verify(_:size:)`` without an expected size.
    public func verify(_ digest: Digest) throws -> VerifyOutcome {
        try verify(digest, size: nil)
    }
}
