import LoomCore
import SQLiteCatalog
import GRDB
import LoomMigrations
import Testing

/// 0002_create_recipes: migrate a seeded 0001 catalog, check the old rows survive and the recipe
/// tables enforce their constraints and cascade.
@Suite struct Migration0002Tests {
    @Test func migratesASeededCatalogAndConstrainsRecipes() throws {
        let dir = TestDirectory()
        let queue = try Migration0001Tests.migratedAndSeeded(dir)
        #expect(try SQLiteCatalog.migrate(path: Fixture.catalogPath(dir), upTo: "0002_create_recipes", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0002_create_recipes"])
        #expect(try Migration0001Tests.count(queue, "base") == 1)
        #expect(try Migration0001Tests.count(queue, "event") == 1)
        let t = "2026-11-29T14:56:38.123Z"
        try queue.write { db in
            try db.execute(sql: "INSERT INTO recipe VALUES (1, 'prod', 'llama', NULL, 'bf16', '\(t)', '\(t)')")
            try db.execute(sql: "INSERT INTO recipe_adapter VALUES (1, 0, 'sql', NULL, 1.0), (1, 1, 'style', 2, 0.25)")
        }
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO recipe VALUES (2, 'bad', 'llama', NULL, 'f8', '\(t)', '\(t)')") != nil)
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO recipe VALUES (3, 'prod', 'llama', NULL, NULL, '\(t)', '\(t)')") != nil)
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO recipe_adapter VALUES (99, 0, 'sql', NULL, 1.0)") != nil)
        try queue.write { try $0.execute(sql: "DELETE FROM recipe WHERE id = 1") }
        #expect(try Migration0001Tests.count(queue, "recipe_adapter") == 0)
    }
}

@Suite struct RecipeTests {
    let dir = TestDirectory()

    func draft(_ name: String = "prod", weight: Double = 1) -> NewRecipe {
        NewRecipe(
            name: name, baseName: "llama", baseVersion: nil, dtype: "bf16",
            adapters: [RecipeInput(adapterName: "sql", adapterVersion: nil, weight: weight), RecipeInput(adapterName: "style", adapterVersion: 2, weight: 0.25)])
    }

    @Test func addIsIdempotentAndReplaceNeedsConsent() throws {
        let catalog = try Fixture.open(dir)
        let (first, created) = try catalog.addRecipe(draft(), replace: false)
        #expect(created && first.adapters.count == 2 && first.adapters[1].adapterVersion == 2)
        #expect(try catalog.addRecipe(draft(), replace: false).created == false)
        #expect(throws: CatalogError.self) { try catalog.addRecipe(draft(weight: 0.5), replace: false) }
        let (replaced, again) = try catalog.addRecipe(draft(weight: 0.5), replace: true)
        #expect(again && replaced.adapters[0].weight == 0.5 && replaced.id == first.id)
        #expect(try catalog.events().map(\.kind).suffix(2) == ["recipe.add", "recipe.replace"])
        #expect(try catalog.verifyChain().isEmpty)
    }

    @Test func namesAreSharedWithBasesAndAdapters() throws {
        let catalog = try Fixture.open(dir)
        _ = try Fixture.registerBase(catalog, "llama")
        #expect(throws: CatalogError.self) { try catalog.addRecipe(draft("llama"), replace: false) }
        _ = try catalog.addRecipe(draft("prod"), replace: false)
        #expect(throws: CatalogError.self) { try Fixture.registerBase(catalog, "prod") }
        #expect(try catalog.nameKind("prod") == .recipe)
    }

    @Test func removeDeletesTheRecipeWithAnEvent() throws {
        let catalog = try Fixture.open(dir)
        _ = try catalog.addRecipe(draft(), replace: false)
        #expect(try catalog.removeRecipe(name: "prod").name == "prod")
        #expect(try catalog.recipe(name: "prod") == nil)
        #expect(throws: CatalogError.self) { try catalog.removeRecipe(name: "prod") }
        #expect(try catalog.events().last?.kind == "recipe.rm")
    }
}
