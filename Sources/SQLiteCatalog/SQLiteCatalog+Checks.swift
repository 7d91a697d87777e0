internal import Foundation
internal import GRDB
package import LoomCore

extension SQLiteCatalog {
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

extension SQLiteCatalog {
    /// The catalog's ``CatalogHistory``, from one snapshot. Read-only; thread-safe.
    ///
    /// - Throws: ``CatalogError`` when the database cannot be read.
    package func history() throws -> CatalogHistory {
        try read { snapshot in
            let db = snapshot.db
            // EXISTS, not count(*): gc asks on every run, and the log only grows.
            let events = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM event)") ?? false
            let leases = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM lease)") ?? false
            let created = try String.fetchOne(db, sql: "SELECT min(applied_at) FROM schema_migrations")
            return CatalogHistory(hasEvents: events, hasLeases: leases, createdAt: created.flatMap(Timestamp.date))
        }
    }
}
