public import LoomCore
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A committed blob as a store lists it (``BlobManager/allBlobs()``).
public struct StoredBlob: Hashable, Sendable {
    /// The digest its file name says (not rehashed: use ``BlobManager/verify(_:size:)`` for that).
    public let digest: Digest
    /// Its size in bytes.
    public let size: Int64
    /// When it was committed (a file's modification time), for garbage-collection grace periods.
    public let modified: Date

    /// A listing entry; checks nothing.
    public init(digest: Digest, size: Int64, modified: Date) {
        self.digest = digest
        self.size = size
        self.modified = modified
    }
}
