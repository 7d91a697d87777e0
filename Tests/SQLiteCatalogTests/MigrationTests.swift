import LoomCore
import SQLiteCatalog
import Foundation
import GRDB
import LoomMigrations
import Testing

@Suite struct MigrationTests {
    /// The folder holding the `.sql` files, found from this file's path.
    static let migrationsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Migrations")

    @Test func everySQLFileInMigrationsIsEmbedded() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.migrationsFolder.path)
            .filter { $0.hasSuffix(".sql") }
            .map { String($0.dropLast(4)) }
        #expect(!files.isEmpty)
        #expect(files.sorted() == LoomMigrations.all.map(\.id))
    }

    @Test func embeddedMigrationsMatchTheirFiles() throws {
        for migration in LoomMigrations.all {
            let file = Self.migrationsFolder.appendingPathComponent("\(migration.id).sql")
            #expect(try String(contentsOf: file, encoding: .utf8) == migration.sql, "\(migration.id)")
        }
    }

    @Test func migrationIDsAreNumberedAndStrictlyIncreasing() {
        let ids = LoomMigrations.all.map(\.id)
        for id in ids {
            #expect(id.range(of: #"^[0-9]{4}_[a-z0-9_]+$"#, options: .regularExpression) != nil, "\(id)")
        }
        #expect(zip(ids, ids.dropFirst()).allSatisfy { $0 < $1 })
    }

    @Test func openAppliesEveryMigrationAndRecordsItsID() throws {
        let dir = TestDirectory()
        let clock = FakeClock()
        let catalog = try Fixture.open(dir, clock: clock)
        #expect(try catalog.appliedMigrations() == LoomMigrations.all.map(\.id))
        let times = try Fixture.rawQueue(dir).read { try String.fetchAll($0, sql: "SELECT applied_at FROM schema_migrations") }
        #expect(times == Array(repeating: "2026-11-29T14:56:38.123Z", count: LoomMigrations.all.count))
    }

    @Test func migrationsApplyInOrderUpToTheTargetAndOnlyOnce() throws {
        let dir = TestDirectory()
        let path = Fixture.catalogPath(dir)
        let migrations = [
            (id: "0001_create_t", sql: "CREATE TABLE t (a INTEGER);"),
            (id: "0002_add_b", sql: "ALTER TABLE t ADD COLUMN b TEXT;"),
            (id: "0003_index_b", sql: "CREATE INDEX t_by_b ON t(b);"),
        ]
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0002_add_b", migrations: migrations, logger: Fixture.logger)
            == ["0001_create_t", "0002_add_b"])
        #expect(try SQLiteCatalog.migrate(path: path, upTo: nil, migrations: migrations, logger: Fixture.logger)
            == ["0003_index_b"])
        #expect(try SQLiteCatalog.migrate(path: path, upTo: nil, migrations: migrations, logger: Fixture.logger) == [])
        let recorded = try Fixture.rawQueue(dir).read {
            try String.fetchAll($0, sql: "SELECT id FROM schema_migrations ORDER BY rowid")
        }
        #expect(recorded == migrations.map(\.id))
    }

    @Test func migrationsOutOfOrderAreRefused() throws {
        let dir = TestDirectory()
        let error = #expect(throws: CatalogError.self) {
            try SQLiteCatalog.migrate(
                path: Fixture.catalogPath(dir), upTo: nil,
                migrations: [(id: "0002_b", sql: "SELECT 1;"), (id: "0001_a", sql: "SELECT 1;")],
                logger: Fixture.logger)
        }
        #expect(error?.kind == .invalid)
    }

    @Test func failedMigrationLeavesNoTraceOfItself() throws {
        let dir = TestDirectory()
        let path = Fixture.catalogPath(dir)
        let migrations = [
            (id: "0001_create_t", sql: "CREATE TABLE t (a INTEGER);"),
            (id: "0002_broken", sql: "CREATE TABLE u (a INTEGER); INSERT INTO missing VALUES (1);"),
        ]
        let error = #expect(throws: CatalogError.self) {
            try SQLiteCatalog.migrate(path: path, upTo: nil, migrations: migrations, logger: Fixture.logger)
        }
        #expect(error?.kind == .invalid)
        #expect(error?.message.contains("0002_broken") == true)
        let queue = try Fixture.rawQueue(dir)
        #expect(try queue.read { try $0.tableExists("t") })
        #expect(try !queue.read { try $0.tableExists("u") })
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT id FROM schema_migrations") } == ["0001_create_t"])
    }

    @Test func migrationLeavingForeignKeyViolationsIsRolledBack() throws {
        let dir = TestDirectory()
        let path = Fixture.catalogPath(dir)
        let migrations = [
            (id: "0001_parent", sql: "CREATE TABLE parent (id INTEGER PRIMARY KEY);"),
            (id: "0002_orphan", sql: "CREATE TABLE child (p INTEGER REFERENCES parent(id)); INSERT INTO child VALUES (7);"),
        ]
        let error = #expect(throws: CatalogError.self) {
            try SQLiteCatalog.migrate(path: path, upTo: nil, migrations: migrations, logger: Fixture.logger)
        }
        #expect(error?.message.contains("foreign key") == true)
        let queue = try Fixture.rawQueue(dir)
        #expect(try !queue.read { try $0.tableExists("child") })
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT id FROM schema_migrations") } == ["0001_parent"])
    }

    @Test func catalogWrittenByANewerLoomIsRefused() throws {
        let dir = TestDirectory()
        _ = try Fixture.open(dir)
        try Fixture.rawQueue(dir).write { db in
            try db.execute(sql: "INSERT INTO schema_migrations VALUES ('0003_x', '2026-11-29T14:56:38.123Z')")
        }
        let path = Fixture.catalogPath(dir)
        let error = #expect(throws: CatalogError.self) {
            _ = try SQLiteCatalog.open(path: path, logger: Fixture.logger)
        }
        #expect(error?.kind == .schemaTooNew)
        #expect(
            error?.message
                == "catalog \(path) has schema migration 0003_x that this loom does not know; it was written by a newer loom"
        )
    }
}
