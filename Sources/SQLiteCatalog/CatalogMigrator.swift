internal import Foundation
internal import GRDB
internal import LoomFaults
internal import Logging
internal import LoomCore

/// Applies the catalog's SQL migrations in order and records each in
/// `schema_migrations(id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`.
///
/// Safe against other processes migrating the same file at once: each migration re-reads the
/// applied ids inside its own IMMEDIATE transaction.
struct CatalogMigrator {
    let migrations: [(id: String, sql: String)]
    let path: String
    let logger: Logger
    let clock: @Sendable () -> Date

    /// The ids recorded in `schema_migrations`, in id order; empty when the table does not exist.
    static func appliedIDs(_ db: Database) throws -> [String] {
        guard try db.tableExists("schema_migrations") else { return [] }
        return try String.fetchAll(db, sql: "SELECT id FROM schema_migrations ORDER BY id")
    }

    /// Applies pending migrations up to and including `lastID` (all when nil); returns the ids applied.
    func migrate(_ pool: DatabasePool, upTo lastID: String?) throws -> [String] {
        let ids = migrations.map(\.id)
        guard zip(ids, ids.dropFirst()).allSatisfy({ $0 < $1 }) else {
            throw CatalogError.invalid("migrations \(ids) are not in strictly increasing order")
        }
        var wanted = migrations[...]
        if let lastID {
            guard let last = ids.firstIndex(of: lastID) else {
                throw CatalogError.invalid("unknown migration \(lastID)")
            }
            wanted = migrations[...last]
        }
        let applied = try pool.read { try Self.appliedIDs($0) }
        try refuseUnknown(applied)
        var done: [String] = []
        for migration in wanted where !applied.contains(migration.id) {
            if try apply(migration, to: pool) { done.append(migration.id) }
        }
        return done
    }

    private func refuseUnknown(_ applied: [String]) throws {
        let known = Set(migrations.map(\.id))
        if let unknown = applied.first(where: { !known.contains($0) }) {
            throw CatalogError.schemaTooNew(path: path, migration: unknown)
        }
    }

    /// Applies one migration unless another process got there first; returns whether it did.
    private func apply(_ migration: (id: String, sql: String), to pool: DatabasePool) throws -> Bool {
        try pool.writeWithoutTransaction { db in
            // Foreign keys are off while a migration runs, so that a table rebuild (create, copy,
            // drop, rename) in a later migration does not cascade deletes; foreign_key_check below
            // restores the guarantee before commit. The pragma is a no-op inside a transaction.
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            let outcome = Result { try applyInTransaction(migration, db) }
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            let applied = try outcome.get()
            if applied {
                Fault.point("catalog.after-commit")
                logger.info("catalog migrated", metadata: ["catalog.path": "\(path)", "catalog.migration": "\(migration.id)"])
            }
            return applied
        }
    }

    private func applyInTransaction(_ migration: (id: String, sql: String), _ db: Database) throws -> Bool {
        var applied = false
        try db.inTransaction(.immediate) {
            try db.execute(
                sql: "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            let done = try Self.appliedIDs(db)
            try refuseUnknown(done)
            guard !done.contains(migration.id) else { return .commit }
            do {
                try db.execute(sql: migration.sql)
            } catch let error as DatabaseError {
                throw CatalogError.invalid("migration \(migration.id) failed: \(error.message ?? "\(error)")")
            }
            let violations = try ForeignKeyCheck.violations(db)
            guard violations.isEmpty else {
                throw CatalogError.invalid(
                    "migration \(migration.id) leaves \(violations.count) foreign key violations: \(violations[0])"
                )
            }
            try db.execute(
                sql: "INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)",
                arguments: [migration.id, Timestamp.string(clock())]
            )
            Fault.point("catalog.before-commit")
            applied = true
            return .commit
        }
        return applied
    }
}
