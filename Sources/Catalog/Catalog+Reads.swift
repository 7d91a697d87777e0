/// Reads: each runs on its own consistent snapshot, is read-only and safe from any thread.
/// Use ``Catalog/snapshot(_:)`` when several reads must agree with each other.
extension Catalog {
    /// Runs `body` on one consistent read snapshot (a read transaction) and returns its result.
    ///
    /// The snapshot is valid only inside `body`. Writers (in this and other processes) proceed
    /// meanwhile, unseen. For gc: compute the plan from one snapshot, re-check under the write lock.
    package func snapshot<T>(_ body: (CatalogSnapshot) throws -> T) throws -> T {
        try read(body)
    }

    /// Every base version, ordered by name then version.
    package func bases() throws -> [BaseRecord] { try read { try $0.bases() } }

    /// The base `name` at `version` (latest when nil), or nil.
    package func base(name: String, version: Int? = nil) throws -> BaseRecord? {
        try read { try $0.base(name: name, version: version) }
    }

    /// The base with row id `id`, or nil.
    package func base(id: Int64) throws -> BaseRecord? { try read { try $0.base(id: id) } }

    /// The files of base `baseID`, ordered by path.
    package func baseFiles(baseID: Int64) throws -> [FileEntry] { try read { try $0.baseFiles(baseID: baseID) } }

    /// The tensor index of base `baseID`, ordered by path then position.
    package func baseTensors(baseID: Int64) throws -> [TensorEntry] {
        try read { try $0.baseTensors(baseID: baseID) }
    }

    /// Every adapter version with its base's name and version, ordered by name then version.
    package func adapters() throws -> [AdapterRecord] { try read { try $0.adapters() } }

    /// The adapter `name` at `version` (latest when nil), or nil.
    package func adapter(name: String, version: Int? = nil) throws -> AdapterRecord? {
        try read { try $0.adapter(name: name, version: version) }
    }

    /// The adapter with row id `id`, or nil.
    package func adapter(id: Int64) throws -> AdapterRecord? { try read { try $0.adapter(id: id) } }

    /// The adapters registered against base `baseID`.
    package func adapters(baseID: Int64) throws -> [AdapterRecord] { try read { try $0.adapters(baseID: baseID) } }

    /// The files of adapter `adapterID`, ordered by path.
    package func adapterFiles(adapterID: Int64) throws -> [FileEntry] {
        try read { try $0.adapterFiles(adapterID: adapterID) }
    }

    /// Every artifact with its inputs (files not loaded), in build order. A fixed number of queries.
    package func artifacts() throws -> [ArtifactRecord] { try read { try $0.artifacts() } }

    /// The artifact under `key`, with its inputs and files, or nil.
    package func artifact(key: String) throws -> ArtifactRecord? { try read { try $0.artifact(key: key) } }

    /// The key of the newest pinned (else newest) artifact built as recipe `name`, or nil: how a recipe
    /// whose inputs were removed still finds what it built (``CatalogSnapshot/newestArtifactKey(builtByRecipe:)``).
    package func newestArtifactKey(builtByRecipe name: String) throws -> String? {
        try read { try $0.newestArtifactKey(builtByRecipe: name) }
    }

    /// The files of artifact `artifactID`, ordered by path.
    package func artifactFiles(artifactID: Int64) throws -> [FileEntry] {
        try read { try $0.artifactFiles(artifactID: artifactID) }
    }

    /// The highest version `name` has ever had as a `kind` (`.base` or `.adapter`), removed versions
    /// included; nil when it never had one. A `NAME@N` with N at most this and no row was removed.
    package func highestVersionEver(of name: String, kind: NameKind) throws -> Int? {
        guard kind != .recipe else { return nil }
        return try read { try $0.highestVersionEver(of: name, in: kind.rawValue) }
    }

    /// What `name` is registered as (names are unique across kinds), or nil when it is free.
    package func nameKind(_ name: String) throws -> NameKind? { try read { try $0.nameKind(name) } }

    /// Every referenced blob digest with its size, over base, adapter and artifact files, from one snapshot.
    package func referencedBlobs() throws -> [String: Int64] { try read { try $0.referencedBlobs() } }

    /// Every base, adapter and artifact file whose blob is `digest` (for `audit <file>`).
    package func holders(ofDigest digest: String) throws -> [BlobHolder] {
        try read { try $0.holders(ofDigest: digest) }
    }
}

extension Catalog {
    /// Keys of the artifacts whose key starts with `prefix`, at most `limit` (see ``CatalogSnapshot``).
    package func artifactKeys(withPrefix prefix: String, limit: Int = 2) throws -> [String] {
        try read { try $0.artifactKeys(withPrefix: prefix, limit: limit) }
    }
}
