#if canImport(Glibc)
package import Glibc
#elseif canImport(Darwin)
package import Darwin
#endif

/// Which file a path named when it was checked: its device and inode numbers.
///
/// A caller that validated a file and ingests it later passes this so that the ingest refuses a path
/// that has meanwhile been made to name another file (a renamed-in replacement, a parent directory
/// swapped for a symlink). A value type, `Sendable`.
public struct FileIdentity: Hashable, Sendable {
    public let device: UInt64
    public let inode: UInt64

    public init(device: UInt64, inode: UInt64) {
        self.device = device
        self.inode = inode
    }

    /// The identity `status` (from `stat`, `lstat` or `fstat`) describes.
    package init(_ status: stat) {
        self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }
}
