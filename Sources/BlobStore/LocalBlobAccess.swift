public import LoomCore
/// The explicit capability of a store that can hand out a local file for a digest: the file store, and
/// later an object store with a local cache. The merge mmaps these files, materialization links to them,
/// pull and backup copy or link them; whatever needs a path asks this, never builds one.
///
/// Paths are absolute. A blob's file is read-only and never changes while it exists. Layout facts (where
/// blob files live under a store root) come from here, so that no caller spells them. Implementations
/// are safe to call from any thread.
public protocol LocalBlobAccess: Sendable {
    /// The store's root directory: absolute, without a trailing slash.
    var root: String { get }

    /// The absolute path where the blob's local file is (or would be). Does not check that it exists:
    /// opening it reports a missing blob.
    func path(of digest: Digest) -> String

    /// The blob's file path relative to ``root`` (what a relative link from inside the store points at).
    func relativePath(of digest: Digest) -> String

    /// The directory that holds every blob file (in fan-out subdirectories) of a store of this kind
    /// rooted at `root`; for ``root`` itself, where this store's blob files are. Pure: touches nothing.
    func blobDirectory(ofStoreAt root: String) -> String

    /// The directory of in-flight writes under ``root``; never read as blobs.
    var ingestDirectory: String { get }

    /// The `stat` of a committed blob's file (no read); nil when it is absent or not a regular file.
    /// Never throws: an unreadable store answers nil.
    func status(of digest: Digest) -> BlobFileStatus?

    /// Rehashes a blob's file on the calling thread and says whether it matches its name (and `size`,
    /// when given, compared before hashing), with the status of the file it hashed. Changes nothing.
    /// `isCancelled` is asked between windows; a cancelled check returns nil.
    /// - Throws: ``BlobStoreError`` `io` naming the blob when the file exists but cannot be read;
    ///   `invalid` when it is not a regular file.
    func check(_ digest: Digest, size: Int64?, isCancelled: () -> Bool) throws -> BlobCheck?

    /// Unlinks a blob file found corrupt, only while it is still the file that was checked (same inode
    /// and mtime as `checked`), so that the right bytes can be ingested again.
    /// - Warning: the caller makes sure no catalog row still refers to the blob.
    /// - Returns: true when the file was removed.
    /// - Throws: ``BlobStoreError`` `io` when it cannot be removed.
    @discardableResult
    func removeCorrupt(_ digest: Digest, checked: BlobFileStatus) throws -> Bool

    /// Entries among the blob files that are not well-formed blobs (wrong name, wrong fan-out directory,
    /// not a regular file), for reporting; never deleted by the store.
    /// - Throws: ``BlobStoreError`` of kind `io` when a directory cannot be read.
    func strayFiles() throws -> [StoreFile]

    /// The files of in-flight writes: live writers', or leftovers of crashed ones.
    /// - Throws: ``BlobStoreError`` of kind `io` when the directory cannot be read.
    func ingestFiles() throws -> [StoreFile]

    /// Removes a file listed by ``ingestFiles()``. Idempotent: an absent file is a success.
    /// - Warning: a live writer's file can be removed too; its commit then fails. Only remove files
    ///   older than any ingest can take.
    /// - Throws: ``BlobStoreError`` of kind `invalid` for a path that is not directly in
    ///   ``ingestDirectory``, `io` when removal fails.
    func removeIngestFile(_ path: String) throws

    /// A store of the same kind rooted at another absolute directory (a backup's copy, a rebuild's
    /// scratch store). Creates nothing on disk.
    /// - Throws: ``BlobStoreError`` of kind `invalid` when `root` is not absolute.
    func store(at root: String) throws -> any LocalBlobStore
}

extension LocalBlobAccess {
    /// Where this store's blob files are (``blobDirectory(ofStoreAt:)`` of ``root``).
    public var blobDirectory: String { blobDirectory(ofStoreAt: root) }

    /// ``check(_:size:isCancelled:)`` that is never cancelled.
    public func check(_ digest: Digest, size: Int64?) throws -> BlobCheck? {
        try check(digest, size: size, isCancelled: { false })
    }
}

/// Ingests files of the local file system (registration of the user's model files): hash while
/// copying, fsync, commit; the capability of a store with local files.
///
/// Implementations are safe to call from any thread.
public protocol LocalBlobIngester: Sendable {
    /// Copies the file at `path` into the store, hashing while copying (one pass over the source). When
    /// `identity` is given, the file must still be the one it names: opened without blocking and refused
    /// with `invalid`, before a byte is read, unless it is a regular file with that device and inode.
    ///
    /// The digest always names the bytes actually stored, even if the source changes meanwhile. When
    /// `expecting` names a blob that already exists, the source is only hashed (nothing is copied) and
    /// the result says `existed`. `progress` is called on the calling thread with the number of bytes
    /// done so far, after each chunk.
    /// - Throws: ``BlobStoreError``: `digestMismatch` when the bytes do not hash to `expecting` (nothing
    ///   is left behind), `notFound` when `path` does not exist, `invalid` for a directory, `io` on a
    ///   failed system call (`errno` is `ENOSPC` for a full disk) or when the source shrinks during the
    ///   copy. The message names the source.
    func ingest(
        contentsOf path: String, expecting: Digest?, identity: FileIdentity?, progress: ((Int64) -> Void)?
    ) throws -> IngestResult
}

extension LocalBlobIngester {
    /// ``ingest(contentsOf:expecting:identity:progress:)`` of whatever file `path` names.
    public func ingest(contentsOf path: String, expecting: Digest?, progress: ((Int64) -> Void)?) throws -> IngestResult {
        try ingest(contentsOf: path, expecting: expecting, identity: nil, progress: progress)
    }

    /// ``ingest(contentsOf:expecting:identity:progress:)`` without an expected digest or progress.
    public func ingest(contentsOf path: String) throws -> IngestResult {
        try ingest(contentsOf: path, expecting: nil, identity: nil, progress: nil)
    }
}
