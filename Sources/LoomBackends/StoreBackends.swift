package import Foundation
package import Logging
package import Registry
internal import SQLiteCatalog

/// The composition root: the one place that names backend types and builds a ``Registry`` over them.
/// Both front ends (the CLI, and the HTTP service next) call it; Registry and LoomCLI name no backend.
///
/// Today every store is local: an SQLite catalog (`catalog.sqlite`) beside the blobs in the store
/// directory. `--catalog`/`--blobs` choices will be decided here.
package enum StoreBackends {
    /// A registry over the local store at `root` (relative paths resolve against the current
    /// directory), with its SQLite catalog, opened lazily.
    ///
    /// - Throws: ``RegistryError`` `.invalid` when `root` is empty, or exists and is not a directory;
    ///   `.io` when the store cannot be used.
    /// - Parameter storeCreated: told the store's path when a write creates it.
    package static func registry(
        root: String, logger: Logger = Logger(label: "loom"), clock: @escaping @Sendable () -> Date = Date.init,
        storeCreated: (@Sendable (String) -> Void)? = nil
    ) throws(RegistryError) -> Registry {
        let root = try Registry.storeRoot(root)
        let catalogs = SQLiteCatalogProvider(root: root, logger: logger, clock: clock)
        return try Registry(root: root, catalogs: catalogs, logger: logger, clock: clock, storeCreated: storeCreated)
    }
}
