import Foundation
import BlobStore
package import LoomCore

/// Everything `loom ls` shows.
package struct Listing: Sendable {
    package var bases: [BaseRecord] = []
    package var adapters: [AdapterRecord] = []
    package var artifacts: [ArtifactRecord] = []
    /// The aliases of each base name that has any, sorted.
    package var baseAliases: [String: [String]] = [:]
    package var recipes: [RecipeRecord] = []
    /// The live hold that lasts longest on each held artifact, by key (``Registry/liveHolds()``).
    package var holds: [String: HoldRecord] = [:]
}

/// One registered thing, with what `loom show` reports about it.
package enum Shown: Sendable {
    case base(BaseRecord, files: [FileEntry], tensorCount: Int, adapters: [AdapterRecord])
    case adapter(AdapterRecord, files: [FileEntry])
    case artifact(ArtifactRecord)
    /// A recipe, with the key it builds now and whether that is built; when its inputs no longer resolve, the
    /// newest pinned (else newest) artifact built as it (nil when none).
    case recipe(RecipeRecord, key: String?, built: Bool)
}

extension Registry {
    /// Lists bases, adapters (all versions), artifacts and recipes. An absent store lists nothing and is not created.
    package func list() throws(RegistryError) -> Listing {
        guard let catalog = try existingCatalog() else { return Listing() }
        do {
            let aliases = Dictionary(grouping: try catalog.baseAliases(), by: \.name).mapValues { $0.map(\.alias) }
            return Listing(
                bases: try catalog.bases(), adapters: try catalog.adapters(), artifacts: try catalog.artifacts(),
                baseAliases: aliases, recipes: try catalog.recipes(), holds: try liveHolds())
        } catch {
            throw RegistryError(error)
        }
    }

    /// Everything recorded about a base, adapter (by `NAME[@V]`) or artifact (by key or key prefix).
    package func show(_ text: String) throws(RegistryError) -> Shown {
        guard let catalog = try existingCatalog() else { throw .notFound("nothing named \(Names.quoted(text)): \(noStoreMessage)") }
        do {
            if let artifact = try findArtifact(text, catalog: catalog) { return .artifact(artifact) }
            let reference = try Reference(parsing: text)
            if reference.version == nil, let recipe = try catalog.recipe(name: reference.name) {
                let resolved = try? resolveRecipe(recipe.content, catalog: catalog, dtype: nil)
                // Inputs gone (an adapter removed with rm --force): the artifact that stands for it.
                let key = try resolved?.key.description ?? recipeFallback(reference, catalog: catalog)
                let built = try key.map { try catalog.artifact(key: $0) != nil } ?? false
                return .recipe(recipe, key: key, built: built)
            }
            let aliased = try catalog.baseAliases().first { $0.alias == reference.name }?.name
            if let base = try catalog.base(name: aliased ?? reference.name, version: reference.version) {
                let tensors = try catalog.baseTensors(baseID: base.id)
                return .base(base, files: try catalog.baseFiles(baseID: base.id), tensorCount: tensors.count, adapters: try catalog.adapters(baseID: base.id))
            }
            if let adapter = try catalog.adapter(name: reference.name, version: reference.version) {
                return .adapter(adapter, files: try catalog.adapterFiles(adapterID: adapter.id))
            }
            throw RegistryError.notFound("nothing named \(reference) is registered" + whyMissing(reference, catalog: catalog))
        } catch {
            throw RegistryError(error)
        }
    }

    /// The artifact whose key is `text` (`sha256:<hex>`, bare hex, or a unique prefix of ≥ 8 hex digits).
    func findArtifact(_ text: String, catalog: any CatalogStore) throws(RegistryError) -> ArtifactRecord? {
        let hex = String(Digest.hexPart(of: text))
        guard hex.count >= 8, hex.count <= 64, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else { return nil }
        do {
            if hex.count == 64, let key = Digest(hex: hex) { return try catalog.artifact(key: key.description) }
            let matches = try catalog.artifactKeys(withPrefix: Digest.text(hexPrefix: hex))
            guard matches.count <= 1 else { throw RegistryError.invalid("key prefix \(hex) is ambiguous (several artifacts)") }
            guard let key = matches.first else { return nil }
            return try catalog.artifact(key: key)
        } catch {
            throw RegistryError(error)
        }
    }
}

extension Registry {
    /// The materialized directory of an artifact, when it exists on disk.
    package func artifactPath(_ artifact: ArtifactRecord) -> String? {
        let hex = Digest(parsing: artifact.key)?.hex ?? artifact.key
        let path = artifactsDirectory + "/" + hex
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
