import LoomCore
import SQLiteCatalog
import GRDB
import LoomMigrations
import Testing

/// 0007_add_base_hub_ids_and_aliases: migrate a seeded catalog, check its base survives without a Hub id,
/// new bases record one, aliases are unique across names and go with the base's last version.
@Suite struct Migration0007Tests {
    @Test func migratesASeededCatalogAndKeepsItsBases() throws {
        let dir = TestDirectory()
        let queue = try Migration0001Tests.migratedAndSeeded(dir)
        let path = Fixture.catalogPath(dir)
        try Fixture.migrate(path, justBefore: "0007_add_base_hub_ids_and_aliases")
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0007_add_base_hub_ids_and_aliases", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0007_add_base_hub_ids_and_aliases"])
        let old = try queue.read { try Row.fetchOne($0, sql: "SELECT name, hf_repo, hf_revision FROM base WHERE id = 1") }
        #expect(old?["name"] == "llama" && old?["hf_repo"] == nil as String? && old?["hf_revision"] == nil as String?)
        // A revision needs a repo.
        #expect(Migration0001Tests.rejects(queue, "UPDATE base SET hf_revision = 'abc' WHERE id = 1") != nil)
        try queue.write { try $0.execute(sql: "UPDATE base SET hf_repo = 'org/llama', hf_revision = 'abc' WHERE id = 1") }

        let catalog = try Fixture.open(dir)
        let base = try #require(try catalog.base(name: "llama"))
        #expect(base.hfRepo == "org/llama" && base.hfRevision == "abc" && base.hfID == "org/llama@abc")
        #expect(try catalog.addBaseAlias("llama-v2", to: "llama"))
        #expect(try !catalog.addBaseAlias("llama-v2", to: "llama"))
        #expect(try catalog.nameKind("llama-v2") == .base)
        #expect(throws: CatalogError.self) { try catalog.addBaseAlias("sql", to: "llama") }  // an adapter's name
        #expect(throws: CatalogError.self) { try catalog.addBaseAlias("llama", to: "llama") }
        #expect(throws: CatalogError.self) { try catalog.addBaseAlias("x", to: "nope") }
        #expect(try catalog.aliases(ofBase: "llama") == ["llama-v2"])

        _ = try catalog.removeBase(name: "llama", cascade: true)
        #expect(try catalog.baseAliases().isEmpty)
    }
}
