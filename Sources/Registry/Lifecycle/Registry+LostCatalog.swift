import BlobStore
import LoomCore
import Foundation

extension Registry {
    /// Why the catalog cannot be the one the blobs under `blobs/` belong to, or nil when it can.
    ///
    /// The case this catches: `catalog.sqlite` copied or restored without `catalog.sqlite-wal`, or deleted,
    /// so that loom opens (or creates) a catalog with no rows beside a full `blobs/`. Such a catalog holds
    /// no event and no lease, and its schema is younger than blobs it never recorded; gc would call every
    /// blob unreferenced and delete it, pinned artifacts' included. A new store whose first registration
    /// crashed also has blobs and no event, but its blobs are younger than its catalog (an ingest opens the
    /// catalog first) or a dead lease remains, so it is not reported. Read-only; lists `blobs/` once.
    ///
    /// - Parameter catalog: the store's catalog, nil when `catalog.sqlite` does not exist.
    /// - Throws: ``RegistryError`` `.io` when `blobs/` cannot be listed or the catalog read.
    func lostCatalogProblem(_ catalog: (any CatalogStore)?) throws(RegistryError) -> String? {
        let listed: [StoredBlob]
        let history: CatalogHistory?
        do {
            history = try catalog?.history()
            // The usual case costs one count, not a listing of blobs/.
            if let history, !history.isBlank { return nil }
            listed = try blobs.allBlobs()
        } catch {
            throw RegistryError(error)
        }
        guard !listed.isEmpty else { return nil }
        let advice = "restore all of catalog.sqlite, catalog.sqlite-wal and catalog.sqlite-shm together, or a `loom backup` copy"
        guard let history else {
            return "catalog: \(catalogPath) is missing while blobs/ holds \(listed.count) blob(s); \(advice)"
        }
        let older = listed.filter { blob in history.createdAt.map { blob.modified < $0 } ?? true }
        guard !older.isEmpty else { return nil }
        return "catalog: \(catalogPath) records nothing (no event, no lease) while blobs/ holds \(older.count) blob(s) "
            + "older than it: it was probably copied without catalog.sqlite-wal; \(advice)"
    }
}
