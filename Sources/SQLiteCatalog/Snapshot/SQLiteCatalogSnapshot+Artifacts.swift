internal import GRDB
package import LoomCore

extension SQLiteCatalogSnapshot {
    /// Every artifact with its inputs (and its files when `includingFiles`), ordered by id (build order).
    ///
    /// Three statements whatever the number of artifacts.
    package func artifacts(includingFiles: Bool = false) throws -> [ArtifactRecord] {
        var inputs: [Int64: [ArtifactInput]] = [:]
        let inputRows = try Row.fetchCursor(
            db, sql: "SELECT artifact_id, position, adapter_digest, weight FROM artifact_input ORDER BY artifact_id, position"
        )
        while let row = try inputRows.next() {
            inputs[try row.decode(atIndex: 0), default: []].append(try ArtifactInput(row: row))
        }
        var files: [Int64: [FileEntry]]?
        if includingFiles {
            var byArtifact: [Int64: [FileEntry]] = [:]
            let fileRows = try Row.fetchCursor(
                db, sql: "SELECT artifact_id, path, digest, size FROM artifact_file ORDER BY artifact_id, path"
            )
            while let row = try fileRows.next() {
                byArtifact[try row.decode(atIndex: 0), default: []].append(try FileEntry(row: row))
            }
            files = byArtifact
        }
        var records: [ArtifactRecord] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT \(ArtifactRecord.columns) FROM artifact ORDER BY id")
        while let row = try rows.next() {
            let id: Int64 = try row.decode(atIndex: 0)
            records.append(try ArtifactRecord(row: row, inputs: inputs[id] ?? [], files: files.map { $0[id] ?? [] }))
        }
        return records
    }

    /// The artifact under `key`, with its inputs and files, or nil.
    /// The key of the artifact built as recipe `name` (its provenance's `asked.recipe`) that stands for it
    /// once its inputs are gone: the newest pinned one, else the newest; nil when there is none.
    package func newestArtifactKey(builtByRecipe name: String) throws -> String? {
        try String.fetchOne(
            db,
            sql: """
                SELECT key FROM artifact WHERE json_valid(provenance) AND json_extract(provenance, '$.asked.recipe') = ?
                ORDER BY pinned DESC, created_at DESC, id DESC LIMIT 1
                """,
            arguments: [name])
    }

    package func artifact(key: String) throws -> ArtifactRecord? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT \(ArtifactRecord.columns) FROM artifact WHERE key = ?", arguments: [key])
        else { return nil }
        let id: Int64 = try row.decode(atIndex: 0)
        let inputs = try Row.fetchAll(
            db,
            sql: "SELECT position, adapter_digest, weight FROM artifact_input WHERE artifact_id = ? ORDER BY position",
            arguments: [id]
        ).map(ArtifactInput.init(row:))
        return try ArtifactRecord(row: row, inputs: inputs, files: artifactFiles(artifactID: id))
    }

    /// The files of artifact `artifactID`, ordered by path.
    package func artifactFiles(artifactID: Int64) throws -> [FileEntry] {
        try Row.fetchAll(
            db, sql: "SELECT path, digest, size FROM artifact_file WHERE artifact_id = ? ORDER BY path",
            arguments: [artifactID]
        ).map(FileEntry.init(row:))
    }
}

extension SQLiteCatalogSnapshot {
    /// Keys of the artifacts whose key starts with `prefix` (at most `limit`), by key; an index range scan.
    package func artifactKeys(withPrefix prefix: String, limit: Int = 2) throws -> [String] {
        // Keys are ASCII, so every key with the prefix sorts in [prefix, prefix + U+FFFF).
        try String.fetchAll(
            db, sql: "SELECT key FROM artifact WHERE key >= ? AND key < ? ORDER BY key LIMIT ?",
            arguments: [prefix, prefix + "\u{FFFF}", limit])
    }
}
