internal import GRDB
package import LoomCore

extension SQLiteCatalog {
    /// The recorded stats of artifact `artifactID`'s blobs, by digest; files without stats (artifacts
    /// committed before migration 0003) are left out. One indexed query; for the cache-hit path.
    ///
    /// - Throws: ``CatalogError`` `.busy`/`.io` when the read fails.
    package func artifactBlobStats(artifactID: Int64) throws -> [String: BlobStat] {
        try read { snapshot in
            var stats: [String: BlobStat] = [:]
            let rows = try Row.fetchAll(
                snapshot.db,
                sql: """
                    SELECT digest, size, blob_mtime_ns, blob_inode FROM artifact_file
                    WHERE artifact_id = ? AND blob_mtime_ns IS NOT NULL AND blob_inode IS NOT NULL
                    """,
                arguments: [artifactID])
            for row in rows {
                let digest: String = try row.decode(atIndex: 0)
                stats[digest] = BlobStat(size: try row.decode(atIndex: 1), modifiedNanoseconds: try row.decode(atIndex: 2), inode: try row.decode(atIndex: 3))
            }
            return stats
        }
    }

    /// Records `stat` for every artifact file whose blob is `digest` (the stat is the blob's, whichever
    /// artifacts share it), after the blob was rehashed and found intact. No event: stats are a cache
    /// hint, not history. Idempotent.
    ///
    /// - Throws: ``CatalogError`` `.invalid` for a malformed digest; `.busy`/`.io` when the write fails.
    package func recordBlobStat(digest: String, _ stat: BlobStat) throws {
        try Validation.digest(digest, "blob")
        try write { db in
            try db.execute(
                sql: "UPDATE artifact_file SET blob_mtime_ns = ?, blob_inode = ? WHERE digest = ? AND size = ?",
                arguments: [stat.modifiedNanoseconds, stat.inode, digest, stat.size])
        }
    }
}
