package import Foundation
internal import GRDB

/// A named build, as stored (one `recipe` row and its `recipe_adapter` rows).
///
/// Inputs are names, each optionally pinned to a version (nil: the latest when built). A value snapshot.
package struct RecipeRecord: Sendable, Equatable {
    package let id: Int64
    package let name: String
    package let baseName: String
    package let baseVersion: Int?
    /// `f32`, `f16`, `bf16`, or nil for the base's dtype.
    package let dtype: String?
    /// In the order given.
    package let adapters: [RecipeInput]
    package let createdAt: Date
    package let updatedAt: Date

    /// The recipe's content, comparable across rows (names, versions, weights, dtype).
    package var content: NewRecipe {
        NewRecipe(name: name, baseName: baseName, baseVersion: baseVersion, dtype: dtype, adapters: adapters)
    }

    init(row: Row, adapters: [RecipeInput]) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        baseName = try row.decode(forColumn: "base_name")
        baseVersion = try row.decode(forColumn: "base_version")
        dtype = try row.decode(forColumn: "dtype")
        createdAt = try row.time("created_at")
        updatedAt = try row.time("updated_at")
        self.adapters = adapters
    }
}

/// One adapter of a recipe.
package struct RecipeInput: Sendable, Equatable {
    package var adapterName: String
    /// Nil: the latest version when the recipe is built.
    package var adapterVersion: Int?
    package var weight: Double

    package init(adapterName: String, adapterVersion: Int?, weight: Double) {
        self.adapterName = adapterName
        self.adapterVersion = adapterVersion
        self.weight = weight
    }
}

/// What a caller supplies to add (or replace) a recipe.
package struct NewRecipe: Sendable, Equatable {
    package var name: String
    package var baseName: String
    package var baseVersion: Int?
    package var dtype: String?
    package var adapters: [RecipeInput]

    package init(name: String, baseName: String, baseVersion: Int?, dtype: String?, adapters: [RecipeInput]) {
        self.name = name
        self.baseName = baseName
        self.baseVersion = baseVersion
        self.dtype = dtype
        self.adapters = adapters
    }
}
