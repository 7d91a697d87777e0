public import LoomCore
#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A blob file found by walking `blobs/` (``BlobManager/allBlobs()``).
public struct StoredBlob: Hashable, Sendable {
    /// The digest its file name says (not rehashed: use ``BlobManager/verify(_:size:)`` for that).
    public let digest: Digest
    /// The file's size in bytes.
    public let size: Int64
    /// The file's modification time (when it was committed), for garbage-collection grace periods.
    public let modified: Date
}
