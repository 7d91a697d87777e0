package import BlobStore
package import LoomCore
package import Foundation
package import Logging

/// loom's use cases over one store: register, build, list, remove, collect garbage, audit, verify.
///
/// The only module that sees the blob store, the catalog and the merge engine together. A store is
/// a directory (docs/architecture.md "On disk"); it is created on the first write, and read-only operations on a
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
    /// Opens the catalog lazily (the backend is chosen by the composition root, `LoomBackends`).
    let catalogs: any CatalogProvider

    /// A registry over the store at `root` (normalized by ``storeRoot(_:)``), whose blobs `blobs` holds
    /// and whose catalog `catalogs` opens.
    ///
    /// Opens nothing yet: the catalog is opened on first use. Construct through the composition root
    /// (`StoreBackends.registry`, module LoomBackends), which picks the backends for `root`. The blob
    /// store's local files must live under `root` (its ``LocalBlobAccess/root`` is `root`): artifact
    /// directories link to them by relative paths.
    /// - Throws: ``RegistryError`` (`.invalid`) as ``storeRoot(_:)``.
    /// - Parameter storeCreated: told the store's path when a write creates it (the CLI says where, on stderr).
    package init(
        root: String, blobs: any LocalBlobStore, catalogs: any CatalogProvider, logger: Logger = Logger(label: "loom"),
        clock: @escaping @Sendable () -> Date = Date.init, storeCreated: (@Sendable (String) -> Void)? = nil
    ) throws(RegistryError) {
        self.root = try Self.storeRoot(root)
        self.blobs = blobs
        self.catalogs = catalogs
        self.logger = logger
        self.clock = clock
        self.storeCreated = storeCreated
    }

    /// The absolute, normalized form of the store path `path` (relative paths resolve against the
    /// current directory): what the initializer and the backends take. Pure apart from one `stat`.
    ///
    /// - Throws: ``RegistryError`` (`.invalid`) when `path` is empty, or exists and is not a directory.
    package static func storeRoot(_ path: String) throws(RegistryError) -> String {
        // An empty path would silently make the current directory the store.
        guard !path.isEmpty else { throw .invalid("the store path is empty") }
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let normalized = URL(fileURLWithPath: absolute).standardizedFileURL.path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: normalized, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw .invalid("store \(normalized) exists and is not a directory")
        }
        return normalized
    }

    /// Whether the store exists (its catalog does); read-only operations on a missing one create nothing.
    package var storeExists: Bool { catalogs.exists }

    /// The one-line error of an operation that needs a store where there is none.
    package var noStoreMessage: String { "no store at \(root); use --store or LOOM_STORE" }

    /// Where the catalog lives (for SQLite, the `catalog.sqlite` file), for messages.
    public var catalogPath: String { catalogs.location }
    /// Directory of materialized artifacts.
    public var artifactsDirectory: String { root + "/artifacts" }

    /// The catalog, created (with the store directory) when missing. For writes.
    ///
    /// - Throws: ``RegistryError`` `.io` naming the store when this user cannot write it (or it is on a
    ///   read-only file system), before anything is tried.
    package func writableCatalog() throws(RegistryError) -> any CatalogStore {
        do {
            let (catalog, created) = try catalogs.writable()
            if created { storeCreated?(root) }
            return catalog
        } catch {
            throw RegistryError(error)
        }
    }

    /// The catalog when the store exists, else nil (nothing is created). For reads.
    ///
    /// Opened read-only when this user cannot write the store, so that `ls`, `show`, `log`, `audit` and
    /// `verify` work for a reader (the provider decides how).
    package func existingCatalog() throws(RegistryError) -> (any CatalogStore)? {
        do {
            return try catalogs.existing()
        } catch {
            throw RegistryError(error)
        }
    }
}
