public import LoomCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import BlobStore

/// A blob store in a directory of the local file system: `blobs/sha256/<xx>/<64 hex>` read-only blob
/// files, `ingest/` for in-flight writes (``StoreLayout``). It is the one place that knows this layout;
/// everything else asks it through ``LocalBlobAccess``.
///
/// Stateless apart from the root path: any number of instances, threads and processes may use the
/// same root at once. Nothing is created until the first write; reading a store that does not
/// exist finds nothing and creates nothing.
///
/// ## Topics
/// - ``init(root:)``
/// - Reading: ``contains(_:)``, ``size(of:)``, ``open(_:)``
/// - Ingesting: ``ingest(contentsOf:expecting:identity:progress:)``, ``ingest(bytes:expecting:)``, ``makeWriter()``
/// - Managing: ``delete(_:)``, ``allBlobs()``, ``strayFiles()``, ``verify(_:size:)``,
///   ``ingestFiles()``, ``removeIngestFile(_:)``
/// - Local files: ``path(of:)``, ``relativePath(of:)``, ``status(of:)``, ``check(_:size:isCancelled:)``
public final class FileSystemBlobStore: LocalBlobStore {
    /// The store's root directory: absolute, without a trailing slash.
    public let root: String

    let layout: StoreLayout
    /// Writes past this many bytes per file fail with `ENOSPC` (tests); nil defers to `LOOM_FAULT_ENOSPC_AFTER`.
    let writeLimit: Int64?

    /// A store rooted at the absolute path `root`. Creates nothing and checks nothing on disk.
    /// - Throws: ``BlobStoreError`` of kind `invalid` when `root` is not absolute.
    public convenience init(root: String) throws {
        try self.init(root: root, writeLimitForTesting: nil)
    }

    /// ``init(root:)`` with every file write failing with `ENOSPC` once a file would exceed
    /// `writeLimitForTesting` bytes (a full disk, for tests in one process; `LOOM_FAULT_ENOSPC_AFTER`
    /// does the same for a whole process).
    package init(root: String, writeLimitForTesting: Int64?) throws {
        guard root.hasPrefix("/") else {
            throw BlobStoreError(.invalid, "blob store root must be an absolute path: \(root)")
        }
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
        layout = StoreLayout(root: trimmed)
        writeLimit = writeLimitForTesting
    }

    public func contains(_ digest: Digest) -> Bool {
        guard let info = try? FileSystem.status(layout.path(of: digest)) else { return false }
        return FileSystem.isRegular(info)
    }

    public func size(of digest: Digest) throws -> Int64 {
        guard let info = try FileSystem.status(layout.path(of: digest)), FileSystem.isRegular(info) else {
            throw BlobStoreError(.notFound, "blob \(digest): not found in \(root)")
        }
        return Int64(info.st_size)
    }

    public func open(_ digest: Digest) throws -> any OpenBlob {
        try FileOpenBlob(digest: digest, path: layout.path(of: digest))
    }
}
