public import LoomCore

/// Puts bytes into the store under their digest.
///
/// Every write is private until its commit checks it and makes the blob visible in one atomic step; a
/// failed or abandoned write leaves nothing. Writes of the same bytes may run concurrently, in threads or
/// processes: all succeed, one commits the blob, the others report `existed`.
/// Implementations are safe to call from any thread.
public protocol BlobIngester: Sendable {
    /// The store's streaming writer.
    associatedtype Writer: BlobWriter

    /// Starts a streaming ingest. The caller owns the writer and must end it with
    /// ``BlobWriter/commit(expecting:size:)`` or ``BlobWriter/abort()``; dropping it aborts it.
    /// - Throws: ``BlobStoreError`` of kind `io` when the store cannot take a write.
    func makeWriter() throws -> Writer

    /// Puts `bytes` into the store. When `expecting` names a blob that already exists, the bytes are only
    /// hashed and the result says `existed`.
    /// - Throws: ``BlobStoreError``: `digestMismatch` when the bytes do not hash to `expecting` (nothing
    ///   is stored), `io` when the store fails.
    func ingest(bytes: some Collection<UInt8>, expecting: Digest?) throws -> IngestResult
}

extension BlobIngester where Self: BlobReader {
    /// ``ingest(bytes:expecting:)`` through a writer: what a store without a faster path does.
    public func ingest(bytes: some Collection<UInt8>, expecting expected: Digest?) throws -> IngestResult {
        if let expected, contains(expected) {
            let digest = Digest(hashing: bytes)
            guard digest == expected else {
                throw BlobStoreError(.digestMismatch, "ingest: digest mismatch: expected \(expected), got \(digest)")
            }
            return IngestResult(digest: digest, size: Int64(bytes.count), existed: true)
        }
        let writer = try makeWriter()
        let wrote: Void? = try bytes.withContiguousStorageIfAvailable { try writer.write(UnsafeRawBufferPointer($0)) }
        if wrote == nil { try writer.write(Array(bytes)) }
        return try writer.commit(expecting: expected)
    }
}

extension BlobIngester {
    /// ``ingest(bytes:expecting:)`` without an expected digest.
    public func ingest(bytes: some Collection<UInt8>) throws -> IngestResult {
        try ingest(bytes: bytes, expecting: nil)
    }
}
