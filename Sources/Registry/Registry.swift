package import BlobStore
package import Catalog
package import Foundation
package import Logging

/// loom's use cases over one store: register, build, list, remove, collect garbage, audit, verify.
///
/// The only module that sees the blob store, the catalog and the merge engine together. A store is
/// a directory (DESIGN.md "On disk"); it is created on the first write, and read-only operations on a
/// store that does not exist yet see an empty store and create nothing. Blobs are reached only through
/// the BlobStore protocols (``BlobStorage`` plus the local-file capability); which backend serves them is
/// decided by the composition root (`LoomBackends.StoreBackends`), never here.
///
/// Thread safety: a `Registry` may be used from several threads, and several processes may use the
/// same store at once (the catalog serialises writers; blobs are immutable and content-addressed).
///
/// ## Topics
/// - Registration: `registerBase`, `registerAdapter` (Registry+Bases.swift, Registry+Adapters.swift)
/// - Building: `build` (Registry+Build.swift)
/// - Listing and removal: `list`, `show`, `remove`
/// - Checking: `audit`, `verify`, `rebuild`, `log` (Lifecycle/Registry+Audit.swift, Registry+Verify.swift,
///   Registry+Rebuild.swift, Registry+Log.swift)
/// - Garbage collection: `collectGarbage` (Registry+GC.swift; the pure planner is ``GarbageCollector``)
public final class Registry: Sendable {
    /// Absolute path of the store root.
    public let root: String
    /// The blob store, owned by this registry for its lifetime; shared by every thread using it.
    package let blobs: any LocalBlobStore
    package let logger: Logger
    let clock: @Sendable () -> Date
    /// Called once, with ``root``, when a write creates the store's catalog (the store did not exist).
    let storeCreated: (@Sendable (String) -> Void)?
    private let catalogBox = CatalogBox()

    /// A registry over the store at `root`, normalized by ``storeRoot(_:)``, whose blobs `blobs` holds.
    ///
    /// Opens nothing yet: the catalog is opened on first use. Construct through the composition root
    /// (`StoreBackends.registry`), which picks the blob store for `root`. The store's local files must
    /// live under `root` (its ``LocalBlobAccess/root`` is `root`): artifact directories link to them by
    /// relative paths.
    /// - Throws: ``RegistryError`` (`.invalid`) as ``storeRoot(_:)``.
    /// - Parameter storeCreated: told the store's path when a write creates it (the CLI says where, on stderr).
    package init(
        root: String, blobs: any LocalBlobStore, logger: Logger = Logger(label: "loom"),
        clock: @escaping @Sendable () -> Date = Date.init, storeCreated: (@Sendable (String) -> Void)? = nil
    ) throws(RegistryError) {
        self.root = try Self.storeRoot(root)
        self.blobs = blobs
        self.logger = logger
        self.clock = clock
        self.storeCreated = storeCreated
    }

    /// The absolute, normalized form of a store path (relative paths resolve against the current
    /// directory). Pure apart from one `stat`.
    /// - Throws: ``RegistryError`` (`.invalid`) when `root` is empty, or exists and is not a directory.
    package static func storeRoot(_ root: String) throws(RegistryError) -> String {
        // An empty path would silently make the current directory the store.
        guard !root.isEmpty else { throw .invalid("the store path is empty") }
        let absolute = root.hasPrefix("/") ? root : FileManager.default.currentDirectoryPath + "/" + root
        let normalized = URL(fileURLWithPath: absolute).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: normalized, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw .invalid("store \(normalized) exists and is not a directory")
        }
        return normalized
    }

    /// Whether the store exists (its catalog does); read-only operations on a missing one create nothing.
    package var storeExists: Bool { FileManager.default.fileExists(atPath: catalogPath) }

    /// The one-line error of an operation that needs a store where there is none.
    package var noStoreMessage: String { "no store at \(root); use --store or LOOM_STORE" }

    /// Path of the catalog database.
    public var catalogPath: String { root + "/catalog.sqlite" }
    /// Directory of materialized artifacts.
    public var artifactsDirectory: String { root + "/artifacts" }

    /// The catalog, created (with the store directory) when missing. For writes.
    ///
    /// - Throws: ``RegistryError`` `.io` naming the store when this user cannot write it (or it is on a
    ///   read-only file system), before anything is tried.
    package func writableCatalog() throws(RegistryError) -> Catalog {
        if let c = catalogBox.value, !c.isReadOnly { return c }
        if catalogBox.value != nil || (FileManager.default.fileExists(atPath: root) && StoreAccess.of(root: root, catalog: catalogPath) != .readWrite) {
            throw .io("store \(root) is read-only (for this user, or on a read-only file system); this command writes to it")
        }
        do {
            let isNew = !FileManager.default.fileExists(atPath: catalogPath)
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let c = try Catalog.open(path: catalogPath, logger: logger, clock: clock)
            if isNew { storeCreated?(root) }
            return catalogBox.set(c)
        } catch let error as CatalogError {
            throw RegistryError(error)
        } catch {
            throw .io("cannot create store \(root): \(error.localizedDescription)")
        }
    }

    /// The catalog when the store exists, else nil (nothing is created). For reads.
    ///
    /// Opened read-only, without migrating, when this user cannot write the store (``StoreAccess``), so that
    /// `ls`, `show`, `log`, `audit` and `verify` work for a reader; in SQLite's immutable mode only on a
    /// read-only mount, where nothing can write.
    package func existingCatalog() throws(RegistryError) -> Catalog? {
        if let c = catalogBox.value { return c }
        do {
            guard FileManager.default.fileExists(atPath: catalogPath) else { return nil }
            let c: Catalog
            switch StoreAccess.of(root: root, catalog: catalogPath) {
            case .readWrite:
                guard let opened = try Catalog.openExisting(path: catalogPath, logger: logger, clock: clock) else { return nil }
                c = opened
            case .readOnly:
                do {
                    c = try Catalog.openReadOnly(path: catalogPath, immutable: false, logger: logger, clock: clock)
                } catch let error as CatalogError where !FileManager.default.fileExists(atPath: catalogPath + "-shm") {
                    // Immutable mode would read it, but is wrong while the owner may write: say what is missing.
                    throw RegistryError.io(
                        "cannot read catalog \(catalogPath) as this user: a WAL-mode catalog needs catalog.sqlite-wal and "
                            + "catalog.sqlite-shm beside it, which are missing and which this user cannot create; run any loom "
                            + "command on the store as its owner (loom keeps them), or mount the store read-only (\(error.message))")
                }
            case .readOnlyMount:
                c = try Catalog.openReadOnly(path: catalogPath, immutable: true, logger: logger, clock: clock)
            }
            return catalogBox.set(c)
        } catch {
            throw RegistryError(error)
        }
    }
}

/// Holds the lazily opened catalog; the lock makes first use from several threads open it once.
private final class CatalogBox: @unchecked Sendable {
    private let lock = NSLock()
    private var catalog: Catalog?

    var value: Catalog? {
        lock.lock()
        defer { lock.unlock() }
        return catalog
    }

    func set(_ c: Catalog) -> Catalog {
        lock.lock()
        defer { lock.unlock() }
        if let existing = catalog { return existing }
        catalog = c
        return c
    }
}
