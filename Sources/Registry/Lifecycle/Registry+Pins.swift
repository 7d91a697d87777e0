package import LoomCore
import BlobStore

extension Registry {
    /// Pins (or unpins) the artifact `text` names: an artifact key (or unique prefix), or a build target
    /// (recipe or adapter name) resolved to its current cache key.
    ///
    /// Pinning a target that has not been built builds it first (after `progress.note("note: building NAME
    /// first")`), so `recipe add NAME …; pin NAME` works; unpinning never builds. A recipe whose inputs no
    /// longer resolve (an adapter removed with `rm --force`) names the newest pinned (else newest) artifact
    /// built as that recipe. A pinned artifact is a gc root: it is never evicted, whatever the budget. Idempotent.
    /// - Throws: ``RegistryError`` `.notFound` for an unknown name, or (unpin) a target not built yet;
    ///   whatever ``build(_:progress:)`` throws when pinning builds.
    package func setPinned(
        _ text: String, _ pinned: Bool, progress: any ProgressSink = SilentProgress()
    ) throws(RegistryError) -> ArtifactRecord {
        guard let catalog = try existingCatalog() else { throw .notFound("nothing named \(Names.quoted(text)): \(noStoreMessage)") }
        var key: String
        switch try artifactTarget(for: text, catalog: catalog) {
        case .built(let k):
            key = k
        case .unbuilt(let reference, let k):
            guard pinned else {
                throw .notFound("\(text) resolves to \(k), which has not been built (nothing to unpin)")
            }
            progress.note("note: building \(reference) first")
            key = try build(BuildRequest(target: .named(reference)), progress: progress).artifact.key
        }
        do {
            return try catalog.setPinned(key: key, pinned)
        } catch {
            throw RegistryError(error)
        }
    }

    /// The key of the artifact `text` names: a key or unique key prefix, or a build target's current key.
    ///
    /// - Throws: ``RegistryError`` `.notFound` when a target resolves to a key that has not been built.
    package func artifactKey(for text: String, catalog: any CatalogStore) throws(RegistryError) -> String {
        switch try artifactTarget(for: text, catalog: catalog) {
        case .built(let key): return key
        case .unbuilt(_, let key):
            throw .notFound("\(text) resolves to \(key), which has not been built; run `loom build \(text)` first")
        }
    }

    /// What `text` names: an artifact that exists, or a target whose current key has not been built.
    enum ArtifactTarget {
        case built(String)
        case unbuilt(Reference, key: String)
    }

    /// Resolves `text` as a key (or prefix), else as a build target; a recipe whose inputs are gone falls
    /// back to the newest pinned (else newest) artifact built as it (``recipeFallback(_:catalog:)``).
    func artifactTarget(for text: String, catalog: any CatalogStore) throws(RegistryError) -> ArtifactTarget {
        if let artifact = try findArtifact(text, catalog: catalog) { return .built(artifact.key) }
        let reference = try Reference(parsing: text)
        let recipe: BuildRecipe
        do {
            recipe = try resolve(BuildRequest(target: .named(reference)), catalog: catalog)
        } catch where error.kind == .notFound {
            if let key = try recipeFallback(reference, catalog: catalog) { return .built(key) }
            throw error
        }
        let key = recipe.key.description
        do {
            return try catalog.artifact(key: key) != nil ? .built(key) : .unbuilt(reference, key: key)
        } catch {
            throw RegistryError(error)
        }
    }

    /// For a recipe `reference` whose inputs no longer resolve: the key of the newest pinned (else newest)
    /// artifact built as that recipe (provenance `asked.recipe`), so a pinned build stays reachable by name.
    func recipeFallback(_ reference: Reference, catalog: any CatalogStore) throws(RegistryError) -> String? {
        guard reference.version == nil else { return nil }
        do {
            guard try catalog.recipe(name: reference.name) != nil else { return nil }
            return try catalog.newestArtifactKey(builtByRecipe: reference.name)
        } catch {
            throw RegistryError(error)
        }
    }
}
