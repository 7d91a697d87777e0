import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Merge
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
        _ = try harness.registry.remove(.adapter, Reference(name: "style"), cascade: false, force: true)
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

    /// Issue 12 item 4: `recipe add sql-prod …; loom pin sql-prod` exited 2 ("has not been built").
    @Test func pinningBuildsWhatItNamesFirstAndIsIdempotent() throws {
        _ = try addRecipe([("sql", 1)])
        #expect { _ = try harness.registry.setPinned("sql-prod", false) } throws: {
            ($0 as? RegistryError)?.kind == .notFound && "\($0)".contains("not been built")
        }
        let notes = NoteRecorder()
        let pinned = try harness.registry.setPinned("sql-prod", true, progress: notes)
        #expect(pinned.pinned && notes.notes == ["note: building sql-prod first"])
        let built = try harness.registry.build(BuildRequest(target: .named(Reference(name: "sql-prod"))))
        #expect(built.cached && built.artifact.key == pinned.key)
        let again = NoteRecorder()
        #expect(try harness.registry.setPinned("sql-prod", true, progress: again).pinned && again.notes.isEmpty)
        #expect(try harness.registry.setPinned(built.artifact.key, true).pinned)
        #expect(try harness.registry.setPinned(String(built.artifact.key.prefix(7 + 12)), false).pinned == false)
    }

    /// Issue 12 item 4: `rm adapter` silently orphaned the recipes using it.
    @Test func removingAnAdapterThatRecipesUseIsRefusedUnlessForced() throws {
        _ = try addRecipe([("sql", 1), ("style", 0.25)])
        let pinned = try harness.registry.setPinned("sql-prod", true)
        expectRegistryError(.conflict, mentioning: ["style@1", "recipe \"sql-prod\"", "--force"]) {
            _ = try harness.registry.remove(.adapter, Reference(name: "style"), cascade: false)
        }
        #expect(try harness.registry.list().adapters.map(\.reference) == ["sql@1", "style@1"])
        // A version the recipe does not resolve to now may go: sql@2 is latest, the recipe names sql.
        try harness.addAdapter("llama-qv-b", as: "sql")
        expectRegistryError(.conflict, mentioning: ["sql@2"]) {
            _ = try harness.registry.remove(.adapter, Reference(name: "sql"), cascade: false)
        }
        _ = try harness.registry.remove(.adapter, Reference(name: "sql", version: 1), cascade: false)

        // With --force it goes; the recipe's pinned artifact stays reachable by the recipe's name.
        _ = try harness.registry.remove(.adapter, Reference(name: "style"), cascade: false, force: true)
        #expect(try harness.registry.setPinned("sql-prod", true).key == pinned.key)
        guard case .artifact(let audited, _) = try harness.registry.audit("sql-prod") else {
            Issue.record("audit sql-prod is not an artifact")
            return
        }
        #expect(audited.key == pinned.key)
        guard case .recipe(_, let key, let built) = try harness.registry.show("sql-prod") else {
            Issue.record("show sql-prod is not a recipe")
            return
        }
        #expect(key == pinned.key && built)
        #expect(try harness.registry.setPinned("sql-prod", false).pinned == false)
        expectRegistryError(.notFound, mentioning: ["style"]) {
            _ = try harness.registry.build(BuildRequest(target: .named(Reference(name: "sql-prod"))))
        }
    }

    /// Of several artifacts a recipe built, the newest pinned one stands for it once its inputs are gone.
    @Test func aRecipeWithoutInputsFindsItsNewestPinnedArtifact() throws {
        _ = try addRecipe([("sql", 1)])
        let pinned = try harness.registry.setPinned("sql-prod", true)
        _ = try addRecipe([("sql", 1)], dtype: .f16, replace: true)
        let newer = try harness.registry.build(BuildRequest(target: .named(Reference(name: "sql-prod"))))
        #expect(newer.artifact.key != pinned.key && !newer.artifact.pinned)
        _ = try harness.registry.remove(.adapter, Reference(name: "sql"), cascade: false, force: true)
        guard case .recipe(_, let key, _) = try harness.registry.show("sql-prod") else {
            Issue.record("show sql-prod is not a recipe")
            return
        }
        #expect(key == pinned.key)
        _ = try harness.registry.setPinned(pinned.key, false)
        #expect(try harness.registry.setPinned("sql-prod", true).key == newer.artifact.key)
    }

    /// Issue 12 item 4: `--replace` dropped the fields that were not repeated (`--dtype`).
    @Test func replacingKeepsWhatIsNotGiven() throws {
        _ = try addRecipe([("sql", 1)], dtype: .f16)
        let replaced = try harness.registry.addRecipe(
            name: "sql-prod", base: nil, adapters: [WeightedReference(reference: Reference(name: "style"), weight: 0.5)],
            dtype: nil, replace: true)
        #expect(replaced.created && replaced.record.dtype == "f16" && replaced.record.baseName == "llama-tiny")
        #expect(replaced.record.adapters == [RecipeInput(adapterName: "style", adapterVersion: nil, weight: 0.5)])
        let dtypeOnly = try harness.registry.addRecipe(name: "sql-prod", base: nil, adapters: [], dtype: .f32, replace: true)
        #expect(dtypeOnly.record.dtype == "f32" && dtypeOnly.record.adapters == replaced.record.adapters)
        expectRegistryError(.invalid, mentioning: ["--adapter"]) {
            _ = try harness.registry.addRecipe(name: "other", base: nil, adapters: [], dtype: nil, replace: true)
        }
    }

    /// `rm base --cascade` would remove the adapters a recipe builds with: refused the same way unless forced.
    @Test func cascadingToAnAdapterThatRecipesUseIsRefusedUnlessForced() throws {
        _ = try addRecipe([("sql", 1)])
        expectRegistryError(.conflict, mentioning: ["sql@1", "recipe \"sql-prod\"", "--force"]) {
            _ = try harness.registry.remove(.base, Reference(name: "llama-tiny"), cascade: true)
        }
        #expect(try harness.registry.list().bases.map(\.reference) == ["llama-tiny@1"])
        let removal = try harness.registry.remove(.base, Reference(name: "llama-tiny"), cascade: true, force: true)
        #expect(removal.bases.map(\.reference) == ["llama-tiny@1"] && removal.adapters.map(\.reference).contains("sql@1"))
    }

    /// `--replace` without `--combine` keeps the stored combination; giving one changes it.
    @Test func replacingKeepsTheCombinationUnlessGiven() throws {
        let prune = try CombineOptions(method: .magnitudePrune, density: 0.4)
        let added = try harness.registry.addRecipe(
            name: "pruned", base: nil,
            adapters: [WeightedReference(reference: Reference(name: "sql")), WeightedReference(reference: Reference(name: "style"), weight: 0.5)],
            dtype: nil, replace: false, combine: prune)
        #expect(added.record.combine == RecipeCombine(method: "magnitude_prune", density: 0.4))
        let dtypeOnly = try harness.registry.addRecipe(name: "pruned", base: nil, adapters: [], dtype: .f32, replace: true)
        #expect(dtypeOnly.record.dtype == "f32" && dtypeOnly.record.combine == added.record.combine)
        let linear = try harness.registry.addRecipe(name: "pruned", base: nil, adapters: [], dtype: nil, replace: true, combine: .linear)
        #expect(linear.record.combine == .linear && linear.record.dtype == "f32")
    }

    /// Issue 12 item 4: `recipe add` needed `--base` even when the adapters share one.
    @Test func withoutABaseARecipeUsesTheAdaptersBase() throws {
        let added = try harness.registry.addRecipe(
            name: "shared", base: nil,
            adapters: [WeightedReference(reference: Reference(name: "sql")), WeightedReference(reference: Reference(name: "style"), weight: 0.25)],
            dtype: nil, replace: false)
        #expect(added.record.baseName == "llama-tiny" && added.record.baseVersion == 1)
        _ = try harness.registry.build(BuildRequest(target: .named(Reference(name: "shared"))))
        try harness.addBase("llama-tiny", as: "other-base")
        try harness.addAdapter("llama-qv", as: "elsewhere", base: "other-base")
        expectRegistryError(.invalid, mentioning: ["different bases", "llama-tiny@1", "other-base@1", "--base"]) {
            _ = try harness.registry.addRecipe(
                name: "mixed", base: nil,
                adapters: [WeightedReference(reference: Reference(name: "sql")), WeightedReference(reference: Reference(name: "elsewhere"))],
                dtype: nil, replace: false)
        }
    }
}

/// Records the notes a use case reports.
final class NoteRecorder: ProgressSink, @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []
    var notes: [String] { lock.withLock { recorded } }
    func begin(_ label: String, total: Int64) {}
    func advance(to completed: Int64) {}
    func end() {}
    func note(_ message: String) { lock.withLock { recorded.append(message) } }
}
