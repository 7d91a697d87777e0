internal import GRDB
package import LoomCore

extension SQLiteCatalogSnapshot {
    /// Every recipe, by name.
    package func recipes() throws -> [RecipeRecord] {
        let inputs = Dictionary(grouping: try Row.fetchAll(db, sql: "SELECT * FROM recipe_adapter ORDER BY recipe_id, position")) {
            $0["recipe_id"] as Int64
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM recipe ORDER BY name").map { row in
            try RecipeRecord(row: row, adapters: (inputs[row["id"]] ?? []).map(Self.recipeInput))
        }
    }

    /// The recipe named `name`, or nil.
    package func recipe(name: String) throws -> RecipeRecord? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM recipe WHERE name = ?", arguments: [name]) else { return nil }
        let inputs = try Row.fetchAll(
            db, sql: "SELECT * FROM recipe_adapter WHERE recipe_id = ? ORDER BY position", arguments: [row["id"] as Int64])
        return try RecipeRecord(row: row, adapters: inputs.map(Self.recipeInput))
    }

    private static func recipeInput(_ row: Row) -> RecipeInput {
        RecipeInput(adapterName: row["adapter_name"], adapterVersion: row["adapter_version"], weight: row["weight"])
    }
}
