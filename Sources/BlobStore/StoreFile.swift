#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A file in the store that is not a well-formed blob: an in-flight (or abandoned) ingest file, or
/// a stray entry among the blob files whose name is not a blob name.
public struct StoreFile: Hashable, Sendable {
    /// The absolute path.
    public let path: String
    /// The size in bytes (0 for a directory or other non-regular entry).
    public let size: Int64
    /// The modification time; an ingest file older than a grace period is abandoned.
    public let modified: Date

    /// A listing entry; checks nothing.
    public init(path: String, size: Int64, modified: Date) {
        self.path = path
        self.size = size
        self.modified = modified
    }
}
