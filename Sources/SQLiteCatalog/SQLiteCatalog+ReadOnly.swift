internal import CSQLiteOptions
package import Foundation
internal import GRDB
internal import LoomMigrations
package import Logging
internal import LoomCore

extension SQLiteCatalog {
    /// Opens the existing catalog at `path` for reading only: for a user who may read the store but not
    /// write it, or a store on a read-only file system. Applies no migration and creates nothing.
    ///
    /// SQLite reads a WAL-mode database read-only when its `-wal` and `-shm` files exist (loom leaves them
    /// in place), taking the same locks as any reader, so writers elsewhere are seen correctly. With
    /// `immutable`, SQLite takes no lock at all and ignores the WAL: correct only when nothing can change
    /// the file while it is open, so callers pass it only for a read-only mount.
    ///
    /// - Throws: ``CatalogError`` `.schemaTooNew` when the file holds a migration this binary does not know;
    ///   `.corrupt` when it is not a SQLite database; `.io` when it cannot be opened.
    package static func openReadOnly(
        path: String, immutable: Bool, logger: Logger, clock: @escaping @Sendable () -> Date = Date.init,
        busyTimeout: Duration = .seconds(30)
    ) throws -> SQLiteCatalog {
        do {
            var config = Configuration()
            config.label = "loom.catalog"
            config.readonly = true
            config.foreignKeysEnabled = true
            config.busyMode = .timeout(busyTimeout.timeInterval)
            config.prepareDatabase { db in
                if let connection = db.sqliteConnection {
                    _ = loom_sqlite_no_checkpoint_on_close(UnsafeMutableRawPointer(connection))
                }
            }
            let pool = try DatabasePool(path: immutable ? immutableURI(path) : path, configuration: config)
            let catalog = SQLiteCatalog(path: path, pool: pool, logger: logger, clock: clock, isReadOnly: true)
            let known = Set(LoomMigrations.all.map(\.id))
            if let unknown = try catalog.appliedMigrations().first(where: { !known.contains($0) }) {
                throw CatalogError.schemaTooNew(path: path, migration: unknown)
            }
            logger.debug("catalog opened read-only", metadata: ["catalog.path": "\(path)", "catalog.immutable": "\(immutable)"])
            return catalog
        } catch {
            throw CatalogError.translating(error, path: path)
        }
    }

    /// `file:` URI of `path` with `immutable=1` (SQLite is built with URI file names on).
    static func immutableURI(_ path: String) -> String {
        var escaped = ""
        for scalar in path.unicodeScalars {
            switch scalar {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return "file:" + escaped + "?immutable=1"
    }
}
