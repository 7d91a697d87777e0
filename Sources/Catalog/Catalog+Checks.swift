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
    /// Rows in the event log; every change of the catalog appends one.
    package var events: Int
    /// Rows in the lease table (work in progress, or left by a crash).
    package var leases: Int
    /// When the first migration was applied: the catalog file's schema was created then.
    package var createdAt: Date?

    /// True when the catalog records nothing at all: no event and no lease.
    package var isBlank: Bool { events == 0 && leases == 0 }
}

extension Catalog {
    /// The catalog's ``CatalogHistory``, from one snapshot. Read-only; thread-safe.
    ///
    /// - Throws: ``CatalogError`` when the database cannot be read.
    package func history() throws -> CatalogHistory {
        try read { snapshot in
            let db = snapshot.db
            let events = try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0
            let leases = try Int.fetchOne(db, sql: "SELECT count(*) FROM lease") ?? 0
            let created = try String.fetchOne(db, sql: "SELECT min(applied_at) FROM schema_migrations")
            return CatalogHistory(events: events, leases: leases, createdAt: created.flatMap(Timestamp.date))
        }
    }
}
