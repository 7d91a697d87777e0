/// What a name is registered as; names are unique across kinds.
package enum NameKind: String, Sendable {
    case base, adapter, recipe
}

extension NameKind {
    /// "a base", "an adapter".
    package var withArticle: String {
        switch self {
        case .base: "a base"
        case .adapter: "an adapter"
        case .recipe: "a recipe"
        }
    }
}
