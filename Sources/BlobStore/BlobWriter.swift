public import LoomCore

/// A streaming ingest (``BlobIngester/makeWriter()``): bytes are taken privately and hashed as they come;
/// ``commit(expecting:size:)`` checks them and makes them a blob.
///
/// Owned by one caller and not thread-safe (hand it between threads only with your own
/// synchronization). Nothing is visible to readers before a successful commit. End every writer with
/// ``commit(expecting:size:)`` or ``abort()``; a writer dropped without either aborts itself. A failed
/// write aborts the writer too, and later calls throw `invalid`.
public protocol BlobWriter: AnyObject {
    /// The number of bytes accepted so far.
    var bytesWritten: Int64 { get }

    /// Appends `bytes`. Returns once the writer no longer needs them (they are written or copied).
    /// - Throws: ``BlobStoreError``: `io` when the write fails (`errno` `ENOSPC` for a full disk), after
    ///   which the writer is aborted; `interrupted` once ``Interruption`` was requested (aborted too);
    ///   `invalid` after commit or abort.
    func write(_ bytes: UnsafeRawBufferPointer) throws

    /// Checks the bytes and makes them a blob: compares the size and digest (when given), then makes the
    /// blob durable and visible in one atomic step. If the blob exists already, the existing one is left
    /// untouched and the result says `existed`.
    ///
    /// Always ends the writer, even when it throws; not idempotent (a second call throws `invalid`).
    /// - Throws: ``BlobStoreError``: `sizeMismatch` or `digestMismatch` (naming expected and actual;
    ///   nothing is stored), `io` when the store fails, `interrupted` once ``Interruption`` was requested,
    ///   `invalid` after commit or abort.
    func commit(expecting expected: Digest?, size expectedSize: Int64?) throws -> IngestResult

    /// Abandons the ingest and discards what it took. Idempotent; does nothing after commit.
    func abort()
}

extension BlobWriter {
    /// Appends `bytes`; see ``write(_:)``.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// ``commit(expecting:size:)`` checking nothing but the bytes' own digest.
    public func commit() throws -> IngestResult { try commit(expecting: nil, size: nil) }

    /// ``commit(expecting:size:)`` against a digest only.
    public func commit(expecting expected: Digest?) throws -> IngestResult { try commit(expecting: expected, size: nil) }

    /// ``commit(expecting:size:)`` against a size only.
    public func commit(size expectedSize: Int64?) throws -> IngestResult { try commit(expecting: nil, size: expectedSize) }
}
