package import Foundation
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

/// How much history a catalog holds: what tells a catalog that lost its rows (copied without its `-wal`)
/// from a new one.
package struct CatalogHistory: Sendable, Equatable {
    /// Whether the event log has a row; every change of the catalog appends one.
    package var hasEvents: Bool
    /// Whether the lease table has a row (work in progress, or left by a crash).
    package var hasLeases: Bool
    /// When the first migration was applied: the catalog file's schema was created then.
    package var createdAt: Date?

    /// True when the catalog records nothing at all: no event and no lease.
    package var isBlank: Bool { !hasEvents && !hasLeases }
}

extension Catalog {
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
