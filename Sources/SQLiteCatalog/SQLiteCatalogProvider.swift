package import Foundation
package import Logging
package import LoomCore

/// Opens a store's `catalog.sqlite` lazily (``CatalogProvider``): created with the store directory on
/// the first write, opened read-only (without migrating) for a user who cannot write the store, and in
/// SQLite's immutable mode only on a read-only mount, where nothing can write.
///
/// Thread safety: `Sendable`; the first use from several threads opens the catalog once.
package final class SQLiteCatalogProvider: CatalogProvider {
    /// The store directory (created on the first write).
    package let root: String
    /// The catalog file.
    package let path: String
    private let logger: Logger
    private let clock: @Sendable () -> Date
    private let box = CatalogBox()

    /// A provider for the catalog of the store at `root` (absolute, normalized). Opens nothing yet.
    package init(root: String, logger: Logger, clock: @escaping @Sendable () -> Date = Date.init) {
        self.root = root
        self.path = root + "/catalog.sqlite"
        self.logger = logger
        self.clock = clock
    }

    package var location: String { path }

    package var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// - Throws: ``CatalogError`` `.io` naming the store when this user cannot write it (or it is on a
    ///   read-only file system), before anything is tried; as ``SQLiteCatalog/open(path:logger:clock:busyTimeout:)``.
    package func writable() throws -> (catalog: any CatalogStore, created: Bool) {
        if let c = box.value, !c.isReadOnly { return (c, false) }
        if box.value != nil || (FileManager.default.fileExists(atPath: root) && StoreAccess.of(root: root, catalog: path) != .readWrite) {
            throw CatalogError.io("store \(root) is read-only (for this user, or on a read-only file system); this command writes to it")
        }
        do {
            let isNew = !exists
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let c = try SQLiteCatalog.open(path: path, logger: logger, clock: clock)
            let kept = box.set(c)
            return (kept, isNew && kept === c)
        } catch let error as CatalogError {
            throw error
        } catch {
            throw CatalogError.io("cannot create store \(root): \(error.localizedDescription)")
        }
    }

    /// - Throws: ``CatalogError`` when the catalog exists but cannot be opened; `.io` explaining what is
    ///   missing when a WAL-mode catalog cannot be read by a user who cannot write its directory.
    package func existing() throws -> (any CatalogStore)? {
        if let c = box.value { return c }
        guard exists else { return nil }
        let c: SQLiteCatalog
        switch StoreAccess.of(root: root, catalog: path) {
        case .readWrite:
            guard let opened = try SQLiteCatalog.openExisting(path: path, logger: logger, clock: clock) else { return nil }
            c = opened
        case .readOnly:
            do {
                c = try SQLiteCatalog.openReadOnly(path: path, immutable: false, logger: logger, clock: clock)
            } catch let error as CatalogError where !FileManager.default.fileExists(atPath: path + "-shm") {
                // Immutable mode would read it, but is wrong while the owner may write: say what is missing.
                throw CatalogError.io(
                    "cannot read catalog \(path) as this user: a WAL-mode catalog needs catalog.sqlite-wal and "
                        + "catalog.sqlite-shm beside it, which are missing and which this user cannot create; run any loom "
                        + "command on the store as its owner (loom keeps them), or mount the store read-only (\(error.message))")
            }
        case .readOnlyMount:
            c = try SQLiteCatalog.openReadOnly(path: path, immutable: true, logger: logger, clock: clock)
        }
        return box.set(c)
    }
}

/// Holds the lazily opened catalog; the lock makes first use from several threads open it once.
private final class CatalogBox: @unchecked Sendable {
    private let lock = NSLock()
    private var catalog: SQLiteCatalog?

    var value: SQLiteCatalog? {
        lock.lock()
        defer { lock.unlock() }
        return catalog
    }

    func set(_ c: SQLiteCatalog) -> SQLiteCatalog {
        lock.lock()
        defer { lock.unlock() }
        if let existing = catalog { return existing }
        catalog = c
        return c
    }
}
