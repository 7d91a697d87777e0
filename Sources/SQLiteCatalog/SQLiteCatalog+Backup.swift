internal import GRDB
internal import LoomCore

extension SQLiteCatalog {
    /// Writes a consistent copy of the catalog to the new file `destination` with SQLite's online backup
    /// API, and returns the blobs the copy references (digest → size).
    ///
    /// The copy is one self-contained file (rollback journal mode, no `-wal`): every committed transaction
    /// as of one moment, whatever is still only in this catalog's WAL; writers may go on meanwhile. Leases
    /// are left out of the copy: they describe work in progress in processes that the copy does not have.
    /// Nothing in this catalog changes.
    ///
    /// - Throws: ``CatalogError`` `.io` when `destination` cannot be written (the caller removes it).
    package func backup(to destination: String) throws -> [String: Int64] {
        do {
            var config = Configuration()
            config.label = "loom.catalog.backup"
            let copy = try DatabaseQueue(path: destination, configuration: config)
            try pool.backup(to: copy)
            return try copy.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "DELETE FROM lease")
                return try SQLiteCatalogSnapshot(db: db).referencedBlobs()
            }
        } catch {
            throw CatalogError.translating(error, path: destination)
        }
    }
}
