public import BlobStore
import FileBlobStore
public import Foundation
public import Logging
public import Registry
internal import SQLiteCatalog

/// The composition root: the one place that names backend types and builds a ``Registry`` over them as
/// protocols. Both front ends (the CLI now, the HTTP service next) call it; Registry and LoomCLI name no
/// backend.
///
/// Today every store is local: an SQLite catalog (`catalog.sqlite`) and the file-system blob store in
/// the store directory. `--catalog`/`--blobs` choices will be decided here.
public enum StoreBackends {
    /// A registry over the local store at `root` (relative paths resolve against the current
    /// directory), with its SQLite catalog (opened lazily) and the file-system blob store under that
    /// root. Opens and creates nothing.
    ///
    /// - Throws: ``RegistryError`` `.invalid` when `root` is empty, or exists and is not a directory;
    ///   `.io` when the blob store cannot be set up there.
    /// - Parameter storeCreated: told the store's path when a write creates it.
    public static func registry(
        root: String, logger: Logger = Logger(label: "loom"), clock: @escaping @Sendable () -> Date = Date.init,
        storeCreated: (@Sendable (String) -> Void)? = nil
    ) throws(RegistryError) -> Registry {
        let normalized = try Registry.storeRoot(root)
        let catalogs = SQLiteCatalogProvider(root: normalized, logger: logger, clock: clock)
        return try Registry(
            root: normalized, blobs: try blobStore(root: normalized), catalogs: catalogs, logger: logger, clock: clock,
            storeCreated: storeCreated)
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
