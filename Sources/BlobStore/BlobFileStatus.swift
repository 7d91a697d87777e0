#if canImport(Glibc)
package import Glibc
#elseif canImport(Darwin)
package import Darwin
#endif

/// What `stat` says about a blob file: read without touching its bytes, and changed when the file is
/// rewritten in place (mtime) or replaced by another file (inode).
///
/// A cheap integrity hint, not a proof: bit rot or a writer that restores the mtime leaves it unchanged;
/// only rehashing (``LocalBlobAccess/check(_:size:isCancelled:)``) proves the bytes.
public struct BlobFileStatus: Hashable, Sendable {
    /// The file's size in bytes.
    public let size: Int64
    /// The file's modification time, in nanoseconds since 1970.
    public let modifiedNanoseconds: Int64
    /// The file's inode number.
    public let inode: UInt64

    /// A status; checks nothing.
    public init(size: Int64, modifiedNanoseconds: Int64, inode: UInt64) {
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.inode = inode
    }

    package init(_ info: stat) {
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        self.init(
            size: Int64(info.st_size), modifiedNanoseconds: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec),
            inode: UInt64(info.st_ino))
    }
}

/// The result of rehashing one blob with ``LocalBlobAccess/check(_:size:isCancelled:)``.
public struct BlobCheck: Hashable, Sendable {
    /// Whether the file matches its name (and size).
    public let outcome: VerifyOutcome
    /// The status of the file that was hashed (taken from its open descriptor); nil when it is missing.
    public let status: BlobFileStatus?

    /// A check result; checks nothing.
    public init(outcome: VerifyOutcome, status: BlobFileStatus?) {
        self.outcome = outcome
        self.status = status
    }
}
