import LoomCore
import SQLiteCatalog
import GRDB
import LoomJSON
import LoomMigrations
import Testing

/// 0005_add_recipe_combine: migrate a seeded catalog with a recipe through 0002–0004, check the old recipe
/// reads as linear, the new columns enforce their ranges, and a recipe's combination round-trips.
@Suite struct Migration0005Tests {
    @Test func migratesASeededRecipeToLinearAndConstrainsTheOptions() throws {
        let dir = TestDirectory()
        let queue = try Migration0001Tests.migratedAndSeeded(dir)
        let path = Fixture.catalogPath(dir)
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0002_create_recipes", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0002_create_recipes"])
        let t = "2026-11-29T14:56:38.123Z"
        try queue.write { db in
            try db.execute(sql: "INSERT INTO recipe VALUES (1, 'prod', 'llama', NULL, 'bf16', '\(t)', '\(t)')")
            try db.execute(sql: "INSERT INTO recipe_adapter VALUES (1, 0, 'sql', NULL, 1.0)")
        }
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0003_record_blob_stats", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0003_record_blob_stats"])
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0004_add_lease_holder_start", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0004_add_lease_holder_start"])
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0005_add_recipe_combine", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0005_add_recipe_combine"])
        let old = try queue.read { try Row.fetchOne($0, sql: "SELECT combine, density, majority_sign, seed FROM recipe WHERE id = 1") }
        #expect(old?["combine"] == "linear" && old?["density"] == nil as Double? && old?["seed"] == nil as Int64?)

        let columns = "(name, base_name, created_at, updated_at, combine, density, majority_sign, seed)"
        for bad in ["'svd', 0.5, NULL, NULL", "'ties', 0, NULL, NULL", "'ties', 1.5, NULL, NULL", "'ties', 0.5, 'most', NULL",
                    "'dare_linear', 0.5, NULL, -1", "NULL, NULL, NULL, NULL"] {
            #expect(Migration0001Tests.rejects(queue, "INSERT INTO recipe \(columns) VALUES ('x', 'llama', '\(t)', '\(t)', \(bad))") != nil, "\(bad)")
        }
        try queue.write { db in
            try db.execute(sql: "INSERT INTO recipe \(columns) VALUES ('ok', 'llama', '\(t)', '\(t)', 'dare_ties', 1.0, 'frequency', 7)")
        }

        let catalog = try Fixture.open(dir)
        let recipes = try catalog.recipes()
        #expect(recipes.map(\.name) == ["ok", "prod"])
        #expect(recipes.last?.combine == .linear)
        #expect(recipes.first?.combine == RecipeCombine(method: "dare_ties", density: 1, majoritySign: "frequency", seed: 7))
    }

    @Test func aRecipesCombinationRoundTripsAndIsPartOfItsContent() throws {
        let catalog = try Fixture.open(TestDirectory())
        let ties = RecipeCombine(method: "ties", density: 0.5, majoritySign: "total")
        func draft(_ combine: RecipeCombine) -> NewRecipe {
            NewRecipe(
                name: "prod", baseName: "llama", baseVersion: nil, dtype: nil,
                adapters: [RecipeInput(adapterName: "sql", adapterVersion: nil, weight: 1)], combine: combine)
        }
        let (first, created) = try catalog.addRecipe(draft(ties), replace: false)
        #expect(created && first.combine == ties)
        #expect(try catalog.addRecipe(draft(ties), replace: false).created == false)
        #expect(throws: CatalogError.self) { try catalog.addRecipe(draft(.linear), replace: false) }
        let (replaced, again) = try catalog.addRecipe(draft(.linear), replace: true)
        #expect(again && replaced.combine == .linear)
        let details = try catalog.events().suffix(2).map(\.detail)
        #expect(details.first?["combine"]?["method"]?.stringValue == "ties")
        #expect(details.last?["combine"] == nil)
    }
}
