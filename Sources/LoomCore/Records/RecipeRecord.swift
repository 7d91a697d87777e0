package import Foundation

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
    /// How the adapters combine (migration 0005; `linear` for older recipes).
    package let combine: RecipeCombine
    /// A QLoRA-faithful build (migration 0011; nil for older recipes and ordinary builds).
    package let qlora: RecipeQLoRA?
    package let createdAt: Date
    package let updatedAt: Date

    /// The recipe's content, comparable across rows (names, versions, weights, dtype).
    package var content: NewRecipe {
        NewRecipe(name: name, baseName: baseName, baseVersion: baseVersion, dtype: dtype, adapters: adapters, combine: combine, qlora: qlora)
    }

    /// A record with the given fields (backends decode rows into it; tests build it directly).
    package init(id: Int64, name: String, baseName: String, baseVersion: Int?, dtype: String?, adapters: [RecipeInput], combine: RecipeCombine, qlora: RecipeQLoRA? = nil, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.baseName = baseName
        self.baseVersion = baseVersion
        self.dtype = dtype
        self.adapters = adapters
        self.combine = combine
        self.qlora = qlora
        self.createdAt = createdAt
        self.updatedAt = updatedAt
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
    package var combine: RecipeCombine
    package var qlora: RecipeQLoRA?

    package init(
        name: String, baseName: String, baseVersion: Int?, dtype: String?, adapters: [RecipeInput], combine: RecipeCombine = .linear,
        qlora: RecipeQLoRA? = nil
    ) {
        self.combine = combine
        self.qlora = qlora
        self.name = name
        self.baseName = baseName
        self.baseVersion = baseVersion
        self.dtype = dtype
        self.adapters = adapters
    }
}

/// How a recipe's adapters combine, as stored: the method name and the options it uses (nil otherwise).
/// The catalog checks ranges only; which option fits which method is the registry's rule.
package struct RecipeCombine: Sendable, Equatable {
    /// `linear`, `ties`, `magnitude_prune`, `dare_linear` or `dare_ties`.
    package var method: String
    package var density: Double?
    /// `total` or `frequency`.
    package var majoritySign: String?
    package var seed: Int64?

    package static let linear = RecipeCombine(method: "linear")

    package init(method: String, density: Double? = nil, majoritySign: String? = nil, seed: Int64? = nil) {
        self.method = method
        self.density = density
        self.majoritySign = majoritySign
        self.seed = seed
    }
}

/// A recipe's QLoRA options, as stored. The catalog checks the values' ranges only; what they mean is the
/// registry's rule.
package struct RecipeQLoRA: Sendable, Equatable {
    /// `nf4`.
    package var quantType: String
    package var doubleQuant: Bool

    package init(quantType: String, doubleQuant: Bool) {
        self.quantType = quantType
        self.doubleQuant = doubleQuant
    }
}
