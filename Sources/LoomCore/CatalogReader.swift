internal import Foundation

/// One consistent view of a catalog: every read through it sees the same committed state, as of the
/// moment the view began (snapshot isolation). Writes committed by others while it is in use, in this
/// process or another, are not seen.
///
/// Handed to the closure of ``CatalogStore/snapshot(_:)`` and of ``CatalogStore/sweepBlobs(_:)``.
/// Valid only during that closure: do not keep it or pass it to another thread. Every method is
/// read-only; none takes long per row (backends answer each with a fixed number of queries).
///
/// Errors: every method throws ``CatalogError`` (`.corrupt` for stored data breaking the catalog's rules,
/// `.io` for a backend failure).
package protocol CatalogReader {
    // MARK: Bases

    /// Every base version, ordered by name then version.
    func bases() throws -> [BaseRecord]
    /// The base `name` at `version` (latest when nil), or nil.
    func base(name: String, version: Int?) throws -> BaseRecord?
    /// The base with row id `id`, or nil.
    func base(id: Int64) throws -> BaseRecord?
    /// The files of base `baseID`, ordered by path.
    func baseFiles(baseID: Int64) throws -> [FileEntry]
    /// The tensor index of base `baseID`, in file then data-offset order.
    func baseTensors(baseID: Int64) throws -> [TensorEntry]
    /// Every alias with the base name it stands for, ordered by alias.
    func baseAliases() throws -> [(alias: String, name: String)]
    /// The base name `alias` stands for, or nil.
    func aliasTarget(_ alias: String) throws -> String?

    // MARK: Names

    /// What `name` is registered as (names are unique across kinds), or nil when it is free.
    func nameKind(_ name: String) throws -> NameKind?
    /// The highest version `name` has ever had as a `kind` (`.base` or `.adapter`), removed versions
    /// included; nil when it never had one (and always for `.recipe`, which has no versions).
    func highestVersionEver(of name: String, kind: NameKind) throws -> Int?

    // MARK: Adapters

    /// Every adapter version, ordered by name then version.
    func adapters() throws -> [AdapterRecord]
    /// The adapter `name` at `version` (latest when nil), or nil.
    func adapter(name: String, version: Int?) throws -> AdapterRecord?
    /// The adapter with row id `id`, or nil.
    func adapter(id: Int64) throws -> AdapterRecord?
    /// The adapters validated against base `baseID`, ordered by name then version.
    func adapters(baseID: Int64) throws -> [AdapterRecord]
    /// The files of adapter `adapterID`, ordered by path.
    func adapterFiles(adapterID: Int64) throws -> [FileEntry]

    // MARK: Artifacts

    /// Every artifact with its inputs (and its files when `includingFiles`), in build order.
    func artifacts(includingFiles: Bool) throws -> [ArtifactRecord]
    /// The artifact with cache key `key` (`sha256:…`), with its files, or nil.
    func artifact(key: String) throws -> ArtifactRecord?
    /// Whether an artifact with cache key `key` exists.
    func hasArtifact(key: String) throws -> Bool
    /// The files of artifact `artifactID`, ordered by path.
    func artifactFiles(artifactID: Int64) throws -> [FileEntry]
    /// Keys of the artifacts whose key starts with `prefix`, at most `limit`, sorted.
    func artifactKeys(withPrefix prefix: String, limit: Int) throws -> [String]
    /// The key of the newest pinned (else newest) artifact built as recipe `name`, or nil.
    func newestArtifactKey(builtByRecipe name: String) throws -> String?
    /// Every artifact's key, size, pin, last use and file digests, ordered by key (gc's eviction plan).
    func artifactUsage() throws -> [ArtifactUsage]
    /// The holds on `key` (every artifact's when nil), live or expired, ordered by key, then holder.
    func holds(key: String?) throws -> [HoldRecord]

    // MARK: Recipes

    /// Every named recipe, ordered by name.
    func recipes() throws -> [RecipeRecord]
    /// The recipe `name`, or nil.
    func recipe(name: String) throws -> RecipeRecord?

    // MARK: Blobs (gc and audit)

    /// Every referenced blob digest with its size, over base, adapter and artifact files.
    func referencedBlobs() throws -> [String: Int64]
    /// The digests of every base and adapter file (the registered inputs; never evicted).
    func registeredBlobDigests() throws -> Set<String>
    /// Whether any base, adapter or artifact file refers to blob `digest`.
    func isReferenced(digest: String) throws -> Bool
    /// Every base, adapter and artifact file whose blob is `digest`.
    func holders(ofDigest digest: String) throws -> [BlobHolder]

    // MARK: Leases and events

    /// Every lease, live or expired, ordered by name.
    func leases() throws -> [LeaseRecord]
    /// The lease `name`, live or expired, or nil.
    func lease(name: String) throws -> LeaseRecord?
    /// Up to `limit` events with a sequence number greater than `seq`, in chain order (ascending seq).
    func events(after seq: Int64, limit: Int) throws -> [EventRecord]
    /// Re-hashes the whole event chain in order; empty when every link holds (see ``ChainFinding``).
    func verifyChain() throws -> [ChainFinding]
}

extension CatalogReader {
    /// The latest version of base `name`, or nil.
    package func base(name: String) throws -> BaseRecord? { try base(name: name, version: nil) }
    /// The latest version of adapter `name`, or nil.
    package func adapter(name: String) throws -> AdapterRecord? { try adapter(name: name, version: nil) }
    /// Every artifact, without its files.
    package func artifacts() throws -> [ArtifactRecord] { try artifacts(includingFiles: false) }
    /// At most two keys starting with `prefix`: enough to tell unique from ambiguous.
    package func artifactKeys(withPrefix prefix: String) throws -> [String] { try artifactKeys(withPrefix: prefix, limit: 2) }
    /// Every hold on every artifact.
    package func holds() throws -> [HoldRecord] { try holds(key: nil) }
    /// The first 1000 events after `seq` (from the start by default).
    package func events(after seq: Int64 = 0) throws -> [EventRecord] { try events(after: seq, limit: 1000) }
    /// The first `limit` events.
    package func events(limit: Int) throws -> [EventRecord] { try events(after: 0, limit: limit) }
}
