/// What an artifact file's blob looked like (its `stat`) when the artifact was committed, or when it was
/// last rehashed and found intact (migration 0003). A cache hit compares it with the file now.
package struct BlobStat: Sendable, Equatable, Hashable {
    /// Bytes.
    package var size: Int64
    /// Modification time, in nanoseconds since 1970.
    package var modifiedNanoseconds: Int64
    /// Inode number (the bit pattern of the unsigned value).
    package var inode: Int64

    /// A stat; see each property.
    package init(size: Int64, modifiedNanoseconds: Int64, inode: Int64) {
        self.size = size
        self.modifiedNanoseconds = modifiedNanoseconds
        self.inode = inode
    }
}
