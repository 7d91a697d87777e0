import Catalog
import Foundation
import LoomJSON
import LoomTesting
import Testing

@testable import Registry

/// Named builds and pins through the Registry.
@Suite struct RecipeAndPinTests {
    let harness: RegistryHarness

    init() throws {
        harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv", as: "sql")
        try harness.addAdapter("llama-qv-b", as: "style")
    }

    func addRecipe(_ adapters: [(String, Double)], dtype: ModelDType? = .bf16, replace: Bool = false) throws -> (record: RecipeRecord, created: Bool) {
        try harness.registry.addRecipe(
            name: "sql-prod", base: Reference(name: "llama-tiny"),
            adapters: adapters.map { WeightedReference(reference: Reference(name: $0.0), weight: $0.1) }, dtype: dtype, replace: replace)
    }

    @Test func aRecipeBuildsTheSameArtifactAsTheExplicitRequest() throws {
        _ = try addRecipe([("sql", 1), ("style", 0.25)])
        let named = try harness.registry.build(BuildRequest(target: .named(Reference(name: "sql-prod"))))
        let explicit = try harness.registry.build(BuildRequest(
            target: .explicit(base: Reference(name: "llama-tiny"), adapters: [
                WeightedReference(reference: Reference(name: "style"), weight: 0.25), WeightedReference(reference: Reference(name: "sql"), weight: 1),
            ]), dtype: .bf16))
        #expect(!named.cached && explicit.cached && named.artifact.key == explicit.artifact.key)
        #expect(named.artifact.provenance["asked"]?["recipe"] == .string("sql-prod"))
    }

    @Test func aRecipeNamingARemovedAdapterFailsClearly() throws {
        _ = try addRecipe([("sql", 1), ("style", 0.25)])
        _ = try harness.registry.remove(.adapter, Reference(name: "style"), cascade: false)
        #expect {
            _ = try harness.registry.build(BuildRequest(target: .named(Reference(name: "sql-prod"))))
        } throws: { error in
            (error as? RegistryError)?.kind == .notFound && "\(error)".contains("style")
        }
    }

    @Test func unbuildableRecipesAreRefusedWhenAdded() throws {
        try harness.addAdapter("llama-dora", as: "dora")
        #expect(throws: RegistryError.self) { _ = try addRecipe([("sql", 1), ("dora", 1)]) }
        #expect(throws: RegistryError.self) { _ = try addRecipe([("nosuch", 1)]) }
        #expect(try harness.registry.recipes().isEmpty)
    }

    @Test func changingARecipeNeedsReplace() throws {
        #expect(try addRecipe([("sql", 1)]).created)
        #expect(try addRecipe([("sql", 1)]).created == false)
        #expect { _ = try addRecipe([("sql", 0.5)]) } throws: { ($0 as? RegistryError)?.kind == .conflict }
        #expect(try addRecipe([("sql", 0.5)], replace: true).record.adapters.first?.weight == 0.5)
    }

    @Test func recipeNamesShareTheNamespace() throws {
        #expect {
            _ = try harness.registry.addRecipe(
                name: "sql", base: Reference(name: "llama-tiny"), adapters: [WeightedReference(reference: Reference(name: "style"))],
                dtype: nil, replace: false)
        } throws: { ($0 as? RegistryError)?.kind == .conflict }
    }

    @Test func pinningNeedsABuiltArtifactAndIsIdempotent() throws {
        _ = try addRecipe([("sql", 1)])
        #expect { _ = try harness.registry.setPinned("sql-prod", true) } throws: { ($0 as? RegistryError)?.kind == .notFound }
        let built = try harness.registry.build(BuildRequest(target: .named(Reference(name: "sql-prod"))))
        #expect(try harness.registry.setPinned("sql-prod", true).pinned)
        #expect(try harness.registry.setPinned(built.artifact.key, true).pinned)
        #expect(try harness.registry.setPinned(String(built.artifact.key.prefix(7 + 12)), false).pinned == false)
    }
}
