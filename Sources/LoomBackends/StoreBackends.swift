public import BlobStore
import FileBlobStore
public import Foundation
public import Logging
public import Registry

/// The composition root: the one place that picks concrete backends for a store and hands them to the
/// `Registry` as protocols. Both front ends (the CLI now, the HTTP service next) call it; nothing else
/// names a backend type. Today a store is a directory: the file-system blob store in it.
public enum StoreBackends {
    /// A registry over the store at `root` (relative paths resolve against the current directory), with
    /// the file-system blob store under that root. Opens and creates nothing.
    /// - Throws: ``RegistryError`` `.invalid` when `root` is empty, or exists and is not a directory;
    ///   `.io` when the blob store cannot be set up there.
    /// - Parameter storeCreated: told the store's path when a write creates it.
    public static func registry(
        root: String, logger: Logger = Logger(label: "loom"), clock: @escaping @Sendable () -> Date = Date.init,
        storeCreated: (@Sendable (String) -> Void)? = nil
    ) throws(RegistryError) -> Registry {
        let normalized = try Registry.storeRoot(root)
        return try Registry(
            root: normalized, blobs: try blobStore(root: normalized), logger: logger, clock: clock, storeCreated: storeCreated)
    }

    /// The blob store of the store at the absolute, normalized path `root` (for tools that work on a
    /// store's blobs directly, as loom-bench does). Creates nothing.
    /// - Throws: ``RegistryError`` `.io` when `root` cannot hold one (it is not absolute).
    public static func blobStore(root: String) throws(RegistryError) -> any LocalBlobStore {
        do {
            return try FileSystemBlobStore(root: root)
        } catch {
            throw RegistryError(.io, "cannot use store \(root): \(error)")
        }
    }
}
