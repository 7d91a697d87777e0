internal import GRDB

extension Catalog {
    /// SQLite's own consistency checks: every `PRAGMA integrity_check` line other than `ok`, then one
    /// line per `PRAGMA foreign_key_check` violation. Empty when the database is sound.
    /// Read-only, one snapshot; never repairs anything. Does not check the event chain
    /// (``verifyChain()``) or the blobs.
    ///
    /// - Throws: ``CatalogError`` when the database cannot be read at all.
    package func integrityCheck() throws -> [String] {
        try read { snapshot in
            let lines = try String.fetchAll(snapshot.db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            return lines + (try ForeignKeyCheck.violations(snapshot.db))
        }
    }
}
