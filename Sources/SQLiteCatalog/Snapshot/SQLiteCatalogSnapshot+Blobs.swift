internal import GRDB
package import LoomCore

extension SQLiteCatalogSnapshot {
    /// Every blob digest a base, adapter or artifact file references, with its size.
    ///
    /// When rows disagree on a digest's size (a corrupt catalog), the largest is reported.
    package func referencedBlobs() throws -> [String: Int64] {
        var blobs: [String: Int64] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT digest, MAX(size) FROM (
                    SELECT digest, size FROM base_file
                    UNION ALL SELECT digest, size FROM adapter_file
                    UNION ALL SELECT digest, size FROM artifact_file
                ) GROUP BY digest
                """
        )
        while let row = try rows.next() {
            blobs[try row.decode(atIndex: 0)] = try row.decode(atIndex: 1)
        }
        return blobs
    }

    /// Every base, adapter and artifact file whose blob is `digest`, ordered by kind, name, version, path.
    package func holders(ofDigest digest: String) throws -> [BlobHolder] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT 'base' AS kind, base.id AS id, base.name AS name, base.version AS version, base_file.path AS path
                    FROM base_file JOIN base ON base.id = base_file.base_id WHERE base_file.digest = ?1
                UNION ALL
                SELECT 'adapter', adapter.id, adapter.name, adapter.version, adapter_file.path
                    FROM adapter_file JOIN adapter ON adapter.id = adapter_file.adapter_id WHERE adapter_file.digest = ?1
                UNION ALL
                SELECT 'artifact', artifact.id, artifact.key, NULL, artifact_file.path
                    FROM artifact_file JOIN artifact ON artifact.id = artifact_file.artifact_id
                    WHERE artifact_file.digest = ?1
                ORDER BY 1, 3, 4, 5
                """,
            arguments: [digest]
        ).map(BlobHolder.init(row:))
    }
}
