public import LoomCore

/// Finds and reads committed blobs. Never creates, changes or deletes anything.
///
/// Implementations are safe to call from any thread.
public protocol BlobReader: Sendable {
    /// Whether a committed blob with this digest exists. Never throws: an unreadable store answers false.
    func contains(_ digest: Digest) -> Bool

    /// The size in bytes of a committed blob (a stat: reads no content).
    /// - Throws: ``BlobStoreError`` of kind `notFound` when it is absent, `io` when it cannot be examined.
    func size(of digest: Digest) throws -> Int64

    /// Opens a committed blob for ranged reads (``OpenBlob/read(offset:length:)``).
    ///
    /// The handle reads the bytes of the blob as committed; content never changes under a digest. Whether
    /// a handle keeps reading after the blob is deleted is up to the store (the file store's does, by its
    /// open descriptor): callers must not rely on either.
    /// - Throws: ``BlobStoreError`` of kind `notFound` when it is absent, `io` when it cannot be opened.
    func open(_ digest: Digest) throws -> any OpenBlob
}

/// An opened blob (``BlobReader/open(_:)``): its size and ranged reads of its bytes.
///
/// Safe to read from several threads at once (reads do not share a position). Releases what it holds
/// when the last reference goes.
public protocol OpenBlob: AnyObject, Sendable {
    /// The digest it was opened by.
    var digest: Digest { get }
    /// Its size in bytes.
    var size: Int64 { get }

    /// Up to `length` bytes from `offset`. Edges: a range that runs past the end returns the short tail
    /// (an offset equal to ``size``, or a zero `length`, returns no bytes); it never throws for that.
    /// - Throws: ``BlobStoreError`` of kind `invalid` for a negative `offset` or `length`, or an `offset`
    ///   beyond ``size``; `io` when the read fails.
    func read(offset: Int64, length: Int) throws -> [UInt8]
}

extension OpenBlob {
    /// Every byte of the blob (``read(offset:length:)`` of the whole range). For small blobs.
    public func readAll() throws -> [UInt8] {
        try read(offset: 0, length: Int(size))
    }

    /// The `invalid` error for a range that ``read(offset:length:)`` refuses, or nil for one it serves.
    package func rangeError(offset: Int64, length: Int) -> BlobStoreError? {
        guard offset >= 0, length >= 0, offset <= size else {
            return BlobStoreError(.invalid, "read blob \(digest): range \(offset)+\(length) outside its \(size) bytes")
        }
        return nil
    }
}
