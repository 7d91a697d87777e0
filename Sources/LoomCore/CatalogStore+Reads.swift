internal import Foundation

/// Convenience reads and default arguments: each read runs on a snapshot of its own (use
/// ``CatalogStore/snapshot(_:)`` when several reads must agree).
extension CatalogStore {
    package func bases() throws -> [BaseRecord] { try snapshot { try $0.bases() } }
    package func base(name: String, version: Int? = nil) throws -> BaseRecord? { try snapshot { try $0.base(name: name, version: version) } }
    package func base(id: Int64) throws -> BaseRecord? { try snapshot { try $0.base(id: id) } }
    package func baseFiles(baseID: Int64) throws -> [FileEntry] { try snapshot { try $0.baseFiles(baseID: baseID) } }
    package func baseTensors(baseID: Int64) throws -> [TensorEntry] { try snapshot { try $0.baseTensors(baseID: baseID) } }
    package func baseAliases() throws -> [(alias: String, name: String)] { try snapshot { try $0.baseAliases() } }
    /// The aliases of base `name`, sorted.
    package func aliases(ofBase name: String) throws -> [String] {
        try snapshot { try $0.baseAliases().filter { $0.name == name }.map(\.alias) }
    }
    package func adapters() throws -> [AdapterRecord] { try snapshot { try $0.adapters() } }
    package func adapter(name: String, version: Int? = nil) throws -> AdapterRecord? { try snapshot { try $0.adapter(name: name, version: version) } }
    package func adapter(id: Int64) throws -> AdapterRecord? { try snapshot { try $0.adapter(id: id) } }
    package func adapters(baseID: Int64) throws -> [AdapterRecord] { try snapshot { try $0.adapters(baseID: baseID) } }
    package func adapterFiles(adapterID: Int64) throws -> [FileEntry] { try snapshot { try $0.adapterFiles(adapterID: adapterID) } }
    package func artifacts() throws -> [ArtifactRecord] { try snapshot { try $0.artifacts(includingFiles: false) } }
    package func artifact(key: String) throws -> ArtifactRecord? { try snapshot { try $0.artifact(key: key) } }
    package func newestArtifactKey(builtByRecipe name: String) throws -> String? { try snapshot { try $0.newestArtifactKey(builtByRecipe: name) } }
    package func artifactFiles(artifactID: Int64) throws -> [FileEntry] { try snapshot { try $0.artifactFiles(artifactID: artifactID) } }
    package func artifactKeys(withPrefix prefix: String, limit: Int = 2) throws -> [String] {
        try snapshot { try $0.artifactKeys(withPrefix: prefix, limit: limit) }
    }
    package func highestVersionEver(of name: String, kind: NameKind) throws -> Int? { try snapshot { try $0.highestVersionEver(of: name, kind: kind) } }
    package func nameKind(_ name: String) throws -> NameKind? { try snapshot { try $0.nameKind(name) } }
    package func referencedBlobs() throws -> [String: Int64] { try snapshot { try $0.referencedBlobs() } }
    package func holders(ofDigest digest: String) throws -> [BlobHolder] { try snapshot { try $0.holders(ofDigest: digest) } }
    package func recipes() throws -> [RecipeRecord] { try snapshot { try $0.recipes() } }
    package func recipe(name: String) throws -> RecipeRecord? { try snapshot { try $0.recipe(name: name) } }
    package func holds() throws -> [HoldRecord] { try snapshot { try $0.holds(key: nil) } }
    package func leases() throws -> [LeaseRecord] { try snapshot { try $0.leases() } }
    package func events(after seq: Int64 = 0, limit: Int = 1000) throws -> [EventRecord] { try snapshot { try $0.events(after: seq, limit: limit) } }
    package func verifyChain() throws -> [ChainFinding] { try snapshot { try $0.verifyChain() } }

    package func removeBase(name: String, version: Int? = nil) throws -> Removal {
        try removeBase(name: name, version: version, cascade: false, force: false)
    }
    package func removeBase(name: String, cascade: Bool) throws -> Removal {
        try removeBase(name: name, version: nil, cascade: cascade, force: false)
    }
    package func removeAdapter(name: String, version: Int? = nil) throws -> Removal {
        try removeAdapter(name: name, version: version, force: false)
    }
    package func insertArtifact(_ draft: NewArtifact, inputs: [ArtifactInput], files: [FileEntry]) throws -> (record: ArtifactRecord, created: Bool) {
        try insertArtifact(draft, inputs: inputs, files: files, blobStats: [:])
    }
    @discardableResult package func renewLease(name: String, ttl: Duration) throws -> LeaseRecord {
        try renewLease(name: name, ttl: ttl, background: false)
    }
}
