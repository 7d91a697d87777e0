import LoomCore
import SQLiteCatalog
import GRDB
import LoomJSON
import LoomMigrations
import Testing

/// 0011_add_recipe_qlora: migrate a seeded catalog with a recipe, check the old recipe reads as an
/// ordinary build, the new columns enforce their values, and a recipe's QLoRA options round-trip.
@Suite struct Migration0011Tests {
    @Test func migratesASeededRecipeToNoQLoRAAndConstrainsTheOptions() throws {
        let dir = TestDirectory()
        let queue = try Migration0001Tests.migratedAndSeeded(dir)
        let path = Fixture.catalogPath(dir)
        try Fixture.migrate(path, justBefore: "0011_add_recipe_qlora")
        let t = "2026-11-29T14:56:38.123Z"
        try queue.write { db in
            try db.execute(sql: "INSERT INTO recipe (name, base_name, created_at, updated_at) VALUES ('prod', 'llama', '\(t)', '\(t)')")
            try db.execute(sql: "INSERT INTO recipe_adapter VALUES (last_insert_rowid(), 0, 'sql', NULL, 1.0)")
        }
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0011_add_recipe_qlora", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0011_add_recipe_qlora"])
        let old = try queue.read { try Row.fetchOne($0, sql: "SELECT qlora, qlora_double_quant FROM recipe WHERE name = 'prod'") }
        #expect(old?["qlora"] == nil as String? && old?["qlora_double_quant"] == nil as Int64?)

        let columns = "(name, base_name, created_at, updated_at, qlora, qlora_double_quant)"
        for bad in ["'fp4', 1", "'nf4', NULL", "NULL, 1", "'nf4', 2"] {
            #expect(Migration0001Tests.rejects(queue, "INSERT INTO recipe \(columns) VALUES ('x', 'llama', '\(t)', '\(t)', \(bad))") != nil, "\(bad)")
        }
        try queue.write { db in
            try db.execute(sql: "INSERT INTO recipe \(columns) VALUES ('q', 'llama', '\(t)', '\(t)', 'nf4', 0)")
            try db.execute(sql: "INSERT INTO recipe_adapter VALUES (last_insert_rowid(), 0, 'sql', NULL, 1.0)")
        }

        let catalog = try Fixture.open(dir)
        let recipes = try catalog.recipes()
        #expect(recipes.map(\.name) == ["prod", "q"])
        #expect(recipes.first?.qlora == nil)
        #expect(recipes.last?.qlora == RecipeQLoRA(quantType: "nf4", doubleQuant: false))
    }

    @Test func aRecipesQLoRAOptionsRoundTripAndArePartOfItsContent() throws {
        let catalog = try Fixture.open(TestDirectory())
        let nf4 = RecipeQLoRA(quantType: "nf4", doubleQuant: true)
        func draft(_ qlora: RecipeQLoRA?) -> NewRecipe {
            NewRecipe(
                name: "prod", baseName: "llama", baseVersion: nil, dtype: nil,
                adapters: [RecipeInput(adapterName: "sql", adapterVersion: nil, weight: 1)], qlora: qlora)
        }
        let (first, created) = try catalog.addRecipe(draft(nf4), replace: false)
        #expect(created && first.qlora == nf4)
        #expect(try catalog.addRecipe(draft(nf4), replace: false).created == false)
        #expect(throws: CatalogError.self) { try catalog.addRecipe(draft(nil), replace: false) }
        let (replaced, again) = try catalog.addRecipe(draft(nil), replace: true)
        #expect(again && replaced.qlora == nil)
        let details = try catalog.events().suffix(2).map(\.detail)
        #expect(details.first?["qlora"] == .object(["quant_type": .string("nf4"), "double_quant": .bool(true)]))
        #expect(details.last?["qlora"] == nil)
    }
}
