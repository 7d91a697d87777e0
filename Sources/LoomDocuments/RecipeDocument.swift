package import LoomCore
package import LoomJSON

/// `loom recipe add --json`, `loom recipe ls --json` (and the recipes of `GET /v1/recipes`).
package enum RecipeDocument {
    /// `recipe add --json`: the recipe (``RecordDocument/recipe(_:)``), then `created`, then, when it
    /// replaced one (`changes` non-nil), `changed` (one phrase per field, ``changes(from:to:)``).
    package static func saved(_ record: RecipeRecord, created: Bool, changes: [String]?) -> JSONValue {
        var o = RecordDocument.recipe(record)
        o["created"] = .bool(created)
        if let changes { o["changed"] = .array(changes.map { .string($0) }) }
        return .object(o)
    }

    /// `recipe ls --json`: an array of recipes in the order given.
    package static func list(_ recipes: [RecipeRecord]) -> JSONValue {
        .array(recipes.map { .object(RecordDocument.recipe($0)) })
    }

    /// What differs between two versions of a recipe, one phrase per field (`dtype bf16 → f16`); empty when
    /// equal. The `changed` array of ``saved(_:created:changes:)`` and the CLI's note.
    package static func changes(from old: RecipeRecord, to new: RecipeRecord) -> [String] {
        var changes: [String] = []
        if base(old) != base(new) { changes.append("base \(base(old)) → \(base(new))") }
        if adapters(old) != adapters(new) { changes.append("adapters \(adapters(old)) → \(adapters(new))") }
        if old.dtype != new.dtype { changes.append("dtype \(old.dtype ?? "the base's") → \(new.dtype ?? "the base's")") }
        if old.combine != new.combine {
            func method(_ c: RecipeCombine) -> String { c.method == "linear" ? "linear" : String(combineSummary(c).dropFirst()) }
            changes.append("combine \(method(old.combine)) → \(method(new.combine))")
        }
        return changes
    }

    /// ` ties density 0.5 total` for a non-linear combination, empty for linear.
    package static func combineSummary(_ c: RecipeCombine) -> String {
        guard c.method != "linear" else { return "" }
        return " " + ([c.method] + [c.density.map { "density \($0)" }, c.majoritySign, c.seed.map { "seed \($0)" }].compactMap { $0 })
            .joined(separator: " ")
    }

    /// The base as asked: `NAME` (latest) or `NAME@V`.
    package static func base(_ r: RecipeRecord) -> String { r.baseVersion.map { "\(r.baseName)@\($0)" } ?? r.baseName }

    /// The adapters as asked with their weights: `sql:1.0 + style@2:0.25`.
    package static func adapters(_ r: RecipeRecord) -> String {
        r.adapters.map { a in (a.adapterVersion.map { "\(a.adapterName)@\($0)" } ?? a.adapterName) + ":\(a.weight)" }
            .joined(separator: " + ")
    }
}
