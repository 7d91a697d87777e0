import LoomCore
import SQLiteCatalog
import GRDB
import LoomMigrations
import Testing

/// 0004_add_lease_holder_start: migrate a seeded catalog, check its lease survives with no start time and
/// new leases record one.
@Suite struct Migration0004Tests {
    @Test func migratesASeededCatalogAndKeepsItsLeases() throws {
        let dir = TestDirectory()
        let queue = try Migration0001Tests.migratedAndSeeded(dir)
        let path = Fixture.catalogPath(dir)
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0002_create_recipes", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0002_create_recipes"])
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0003_record_blob_stats", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0003_record_blob_stats"])
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0004_add_lease_holder_start", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0004_add_lease_holder_start"])
        let old = try queue.read { try Row.fetchOne($0, sql: "SELECT holder_pid, holder_start FROM lease WHERE name = 'build:x'") }
        #expect(old?["holder_pid"] == 42 && old?["holder_start"] == nil as Int64?)
        let t = "2026-11-29T14:56:38.123Z"
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO lease VALUES ('build:y', 1, 'h', '\(t)', '\(t)', -5)") != nil)
        try queue.write { try $0.execute(sql: "INSERT INTO lease VALUES ('build:y', 1, 'h', '\(t)', '\(t)', 123456)") }

        let catalog = try Fixture.open(dir)
        #expect(try catalog.leases().map(\.holderStartTime) == [nil, 123_456])
        guard case .acquired(let mine) = try catalog.acquireLease(name: "build:z", ttl: .seconds(30)) else {
            Issue.record("not acquired")
            return
        }
        #expect(mine.holderStartTime != nil)
    }
}
