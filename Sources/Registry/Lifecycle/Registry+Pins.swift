package import Catalog
import BlobStore

extension Registry {
    /// Pins (or unpins) the artifact `text` names: an artifact key (or unique prefix), or a build target
    /// (recipe or adapter name) resolved to its current cache key without building.
    ///
    /// A pinned artifact is a gc root: it is never evicted, whatever the budget. Idempotent.
    /// - Throws: ``RegistryError`` `.notFound` when the target has not been built yet.
    package func setPinned(_ text: String, _ pinned: Bool) throws(RegistryError) -> ArtifactRecord {
        guard let catalog = try existingCatalog() else { throw .notFound("nothing named \(Names.quoted(text)) (the store is empty)") }
        let key = try artifactKey(for: text, catalog: catalog)
        do {
            return try catalog.setPinned(key: key, pinned)
        } catch {
            throw RegistryError(error)
        }
    }

    /// The key of the artifact `text` names: a key or unique key prefix, or a build target's current key.
    ///
    /// - Throws: ``RegistryError`` `.notFound` when a target resolves to a key that has not been built.
    package func artifactKey(for text: String, catalog: Catalog) throws(RegistryError) -> String {
        if let artifact = try findArtifact(text, catalog: catalog) { return artifact.key }
        let recipe = try resolve(BuildRequest(target: .named(try Reference(parsing: text))), catalog: catalog)
        let key = recipe.key.description
        let existing: ArtifactRecord?
        do {
            existing = try catalog.artifact(key: key)
        } catch {
            throw RegistryError(error)
        }
        guard existing != nil else {
            throw .notFound("\(text) resolves to \(key), which has not been built; run `loom build \(text)` first")
        }
        return key
    }
}
