import ArgumentParser
import LoomCore
import Foundation
import LoomDocuments
import Registry

/// What `loom ls` keeps and in which order: filters, then a sort, then a per-kind limit. Pure value.
struct ListFilter {
    enum SortKey: String, ExpressibleByArgument, CaseIterable {
        case size, age, name
    }

    var sort: SortKey = .name
    var limit: Int?
    /// `NAME` (every version) or `NAME@V`.
    var base: Reference?
    var largerThan: Int64?
    var olderThan: Duration?
    var pinnedOnly = false

    /// The listing filtered, sorted and cut to ``limit``; `now` is when ages are measured.
    ///
    /// Ties in size and age fall back to the name, then the version (or the key), so output is stable.
    func apply(to listing: Listing, now: Date = Date()) -> Listing {
        var bases = listing.bases, adapters = listing.adapters, artifacts = listing.artifacts
        if let base {
            bases = bases.filter { $0.name == base.name && (base.version == nil || $0.version == base.version) }
            let ids = Set(bases.map(\.id)), digests = Set(bases.map(\.manifestDigest))
            adapters = adapters.filter { ids.contains($0.baseID) }
            artifacts = artifacts.filter { digests.contains($0.baseDigest) }
        }
        if let largerThan {
            bases = bases.filter { $0.totalSize > largerThan }
            adapters = adapters.filter { $0.totalSize > largerThan }
            artifacts = artifacts.filter { $0.totalSize > largerThan }
        }
        if let olderThan {
            let cutoff = now.addingTimeInterval(-Double(olderThan.components.seconds))
            bases = bases.filter { $0.createdAt < cutoff }
            adapters = adapters.filter { $0.createdAt < cutoff }
            artifacts = artifacts.filter { $0.lastUsedAt < cutoff }
        }
        if pinnedOnly { artifacts = artifacts.filter(\.pinned) }
        bases = ordered(bases, size: \.totalSize, date: \.createdAt, name: { ($0.name, $0.version, "") })
        adapters = ordered(adapters, size: \.totalSize, date: \.createdAt, name: { ($0.name, $0.version, "") })
        artifacts = ordered(artifacts, size: \.totalSize, date: \.lastUsedAt, name: { (Names.artifactLabel($0), 0, $0.key) })
        let recipes = recipes(listing.recipes, now: now)
        if let limit {
            bases = Array(bases.prefix(limit))
            adapters = Array(adapters.prefix(limit))
            artifacts = Array(artifacts.prefix(limit))
        }
        var out = listing
        (out.bases, out.adapters, out.artifacts) = (bases, adapters, artifacts)
        out.recipes = limit.map { Array(recipes.prefix($0)) } ?? recipes
        return out
    }

    /// Recipes kept and ordered: --base keeps those naming that base; a recipe has no size (none is larger
    /// than SIZE) and is never pinned; its age is the time since it last changed.
    private func recipes(_ all: [RecipeRecord], now: Date) -> [RecipeRecord] {
        var recipes = all
        if let base {
            recipes = recipes.filter { $0.baseName == base.name && (base.version == nil || $0.baseVersion == base.version) }
        }
        if largerThan != nil || pinnedOnly { recipes = [] }
        if let olderThan {
            let cutoff = now.addingTimeInterval(-Double(olderThan.components.seconds))
            recipes = recipes.filter { $0.updatedAt < cutoff }
        }
        return recipes.sorted { a, b in
            sort == .age && a.updatedAt != b.updatedAt ? a.updatedAt > b.updatedAt : a.name < b.name
        }
    }

    private func ordered<T>(
        _ items: [T], size: KeyPath<T, Int64>, date: KeyPath<T, Date>, name: (T) -> (String, Int, String)
    ) -> [T] {
        items.sorted { a, b in
            switch sort {
            case .size where a[keyPath: size] != b[keyPath: size]: return a[keyPath: size] > b[keyPath: size]
            case .age where a[keyPath: date] != b[keyPath: date]: return a[keyPath: date] > b[keyPath: date]
            default: return name(a) < name(b)
            }
        }
    }
}
