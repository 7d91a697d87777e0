public import LoomCore

/// Puts bytes into the store under their digest.
///
/// Every ingest writes into its own temporary file and makes the blob visible with one atomic
/// rename after its bytes are written, fsynced and checked; a failed or abandoned ingest leaves
/// nothing under `blobs/`. Ingests of the same bytes may run concurrently, in threads or
/// processes: all succeed, one commits the file, the others report `existed`.
/// Implementations are safe to call from any thread.
public protocol BlobIngester: Sendable {
    /// Copies the file at `path` into the store, hashing while copying (one pass over the source).
    ///
    /// The digest always names the bytes actually stored, even if the source changes meanwhile.
    /// When `expecting` names a blob that already exists, the source is only hashed (nothing is
    /// copied) and the result says `existed`. `progress` is called on the calling thread with the
    /// number of bytes done so far, after each chunk.
    /// - Throws: ``BlobStoreError``: `digestMismatch` when the bytes do not hash to `expecting`
    ///   (nothing is left behind), `notFound` when `path` does not exist, `invalid` for a directory,
    ///   `io` on a failed system call (`errno` is `ENOSPC` for a full disk) or when the source shrinks
    ///   during the copy. The message names the source.
    func ingest(contentsOf path: String, expecting: Digest?, progress: ((Int64) -> Void)?) throws -> IngestResult

    /// Puts `bytes` into the store.
    /// - Throws: ``BlobStoreError`` as ``ingest(contentsOf:expecting:progress:)``.
    func ingest(bytes: some Collection<UInt8>, expecting: Digest?) throws -> IngestResult

    /// Starts a streaming ingest. The caller owns the writer and must end it with
    /// ``BlobWriter/commit(expecting:size:)`` or ``BlobWriter/abort()``.
    /// - Throws: ``BlobStoreError`` of kind `io` when the temporary file cannot be created.
    func makeWriter() throws -> BlobWriter
}

extension BlobIngester {
    /// ``ingest(contentsOf:expecting:progress:)`` without an expected digest or progress.
    public func ingest(contentsOf path: String) throws -> IngestResult {
        try ingest(contentsOf: path, expecting: nil, progress: nil)
    }

    /// ``ingest(bytes:expecting:)`` without an expected digest.
    public func ingest(bytes: some Collection<UInt8>) throws -> IngestResult {
        try ingest(bytes: bytes, expecting: nil)
    }
}
