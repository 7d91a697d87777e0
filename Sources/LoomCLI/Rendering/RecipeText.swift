import LoomCore
import LoomDocuments

/// How a recipe reads in tables and messages.
enum RecipeText {
    /// `llama-tiny + sql:1.0 + style:0.25 (bf16)`, then the combination when it is not linear.
    static func summary(_ r: RecipeRecord) -> String {
        let adapters = RecipeDocument.adapters(r)
        return RecipeDocument.base(r) + (adapters.isEmpty ? "" : " + " + adapters) + (r.dtype.map { " (\($0))" } ?? "")
            + RecipeDocument.combineSummary(r.combine)
    }
}
