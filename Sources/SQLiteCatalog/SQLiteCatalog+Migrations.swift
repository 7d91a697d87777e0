internal import Foundation
internal import GRDB
internal import LoomFaults
package import Logging
internal import LoomCore

extension SQLiteCatalog {
    /// Creates or opens the database at `path` and applies `migrations` in order, up to and including
    /// `lastID` (all when nil), without opening a catalog. For migration tests: migrate to N-1,
    /// seed rows, migrate to N.
    ///
    /// Idempotent: applied migrations are skipped. Each migration runs in one IMMEDIATE
    /// transaction together with its `schema_migrations` row, and commits only when
    /// `PRAGMA foreign_key_check` is empty.
    ///
    /// - Returns: the ids applied by this call, in order.
    /// - Throws: ``CatalogError`` `.schemaTooNew` when the file holds an id not in `migrations`;
    ///   `.invalid` when `lastID` is unknown, the ids are not strictly increasing, or a migration
    ///   fails (nothing of that migration stays).
    package static func migrate(
        path: String, upTo lastID: String?, migrations: [(id: String, sql: String)], logger: Logger
    ) throws -> [String] {
        let catalog = try connect(path: path, logger: logger, clock: Date.init, busyTimeout: .seconds(30))
        return try catalog.migrate(migrations, upTo: lastID)
    }

    /// The ids recorded in `schema_migrations`, in order. Read-only; thread-safe.
    ///
    /// - Throws: ``CatalogError`` when the database cannot be read.
    package func appliedMigrations() throws -> [String] {
        try read { try CatalogMigrator.appliedIDs($0.db) }
    }

    func migrate(_ migrations: [(id: String, sql: String)], upTo lastID: String?) throws -> [String] {
        let migrator = CatalogMigrator(migrations: migrations, path: path, logger: logger, clock: clock)
        do {
            return try migrator.migrate(pool, upTo: lastID)
        } catch {
            throw CatalogError.translating(error, path: path)
        }
    }
}
