internal import GRDB
package import LoomCore

/// The reads garbage collection plans with (one snapshot) and re-checks with (under the write lock).
extension SQLiteCatalogSnapshot {
    /// Every artifact's key, size, pin, last use and file digests, ordered by key.
    ///
    /// Two statements whatever the number of artifacts; recipes and provenance are not read.
    package func artifactUsage() throws -> [ArtifactUsage] {
        var digests: [Int64: [String]] = [:]
        let fileRows = try Row.fetchCursor(db, sql: "SELECT artifact_id, digest FROM artifact_file ORDER BY artifact_id, path")
        while let row = try fileRows.next() {
            digests[try row.decode(atIndex: 0), default: []].append(try row.decode(atIndex: 1))
        }
        var usage: [ArtifactUsage] = []
        let rows = try Row.fetchCursor(
            db, sql: "SELECT id, key, total_size, pinned, last_used_at FROM artifact ORDER BY key")
        while let row = try rows.next() {
            let id: Int64 = try row.decode(atIndex: 0)
            usage.append(
                ArtifactUsage(
                    key: try row.decode(atIndex: 1), totalSize: try row.decode(atIndex: 2), pinned: try row.flag("pinned"),
                    lastUsedAt: try row.time("last_used_at"), digests: digests[id] ?? []))
        }
        return usage
    }

    /// Every blob digest a base or adapter file references (registered versions are gc roots).
    package func registeredBlobDigests() throws -> Set<String> {
        var digests = Set<String>()
        let rows = try String.fetchCursor(
            db, sql: "SELECT digest FROM base_file UNION SELECT digest FROM adapter_file")
        while let digest = try rows.next() { digests.insert(digest) }
        return digests
    }

    /// Whether any base, adapter or artifact file references `digest`. Three index lookups.
    package func isReferenced(digest: String) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM base_file WHERE digest = ?1)
                    OR EXISTS (SELECT 1 FROM adapter_file WHERE digest = ?1)
                    OR EXISTS (SELECT 1 FROM artifact_file WHERE digest = ?1)
                """,
            arguments: [digest]) ?? false
    }

    /// Whether an artifact row with `key` exists. One index lookup.
    package func hasArtifact(key: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM artifact WHERE key = ?)", arguments: [key]) ?? false
    }
}
