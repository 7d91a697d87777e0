internal import GRDB
internal import LoomJSON
package import LoomCore

extension SQLiteCatalog {
    /// Records a built artifact: its row, inputs, file manifest and an `artifact.build` event, in one
    /// IMMEDIATE transaction. `created_at` and `last_used_at` are now.
    ///
    /// Idempotent on the key: when an artifact with `draft.key` exists, returns it (with inputs and
    /// files) with `created: false` and writes nothing.
    ///
    /// `blobStats` (by digest) are recorded with the file rows whose blob they describe (same size); the
    /// caller vouches that each blob was hashed and found intact when it was stat'ed. Files without one
    /// get none (their hits only check that the blob exists).
    ///
    /// - Throws: ``CatalogError`` `.invalid` for a bad key or digest, a repeated input position or
    ///   file path, or a non-finite weight; `.busy`/`.io` when the write fails.
    package func insertArtifact(
        _ draft: NewArtifact, inputs: [ArtifactInput], files: [FileEntry], blobStats: [String: BlobStat] = [:]
    ) throws -> (record: ArtifactRecord, created: Bool) {
        let owner = "artifact \(draft.key)"
        try Validation.digest(draft.key, "artifact key")
        try Validation.digest(draft.baseDigest, "\(owner) base")
        try Validation.files(files, of: owner)
        try Validation.size(draft.totalSize, owner)
        var positions = Set<Int>()
        for input in inputs {
            try Validation.digest(input.adapterDigest, "\(owner) input \(input.position)")
            guard positions.insert(input.position).inserted else {
                throw CatalogError.invalid("\(owner) repeats input position \(input.position)")
            }
            guard input.weight.isFinite else {
                throw CatalogError.invalid("\(owner) input \(input.position) has weight \(input.weight)")
            }
        }
        return try write { db in
            let snapshot = SQLiteCatalogSnapshot(db: db)
            if let existing = try snapshot.artifact(key: draft.key) { return (existing, false) }
            let time = now()
            try db.execute(
                sql: """
                    INSERT INTO artifact (key, recipe, base_digest, dtype, engine_version, total_size, provenance,
                        pinned, created_at, last_used_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    draft.key, draft.recipe.canonicalText, draft.baseDigest, draft.dtype, draft.engineVersion,
                    draft.totalSize, draft.provenance.canonicalText, draft.pinned ? 1 : 0, time, time,
                ])
            let id = db.lastInsertedRowID
            let insertInput = try db.cachedStatement(
                sql: "INSERT INTO artifact_input (artifact_id, position, adapter_digest, weight) VALUES (?, ?, ?, ?)")
            for input in inputs {
                try insertInput.execute(arguments: [id, input.position, input.adapterDigest, input.weight])
            }
            let insertFile = try db.cachedStatement(
                sql: """
                    INSERT INTO artifact_file (artifact_id, path, digest, size, blob_mtime_ns, blob_inode)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """)
            for file in files {
                let stat = blobStats[file.digest].flatMap { $0.size == file.size ? $0 : nil }
                try insertFile.execute(arguments: [id, file.path, file.digest, file.size, stat?.modifiedNanoseconds, stat?.inode])
            }
            let inputDetail = JSONValue.array(
                inputs.sorted { $0.position < $1.position }.map {
                    .object(["adapter_digest": .string($0.adapterDigest), "weight": .double($0.weight)])
                })
            try appendEvent(
                EventDraft(
                    kind: "artifact.build", subject: draft.key,
                    detail: .object([
                        "key": .string(draft.key), "base_digest": .string(draft.baseDigest), "inputs": inputDetail,
                        "dtype": .string(draft.dtype), "engine_version": .string(draft.engineVersion),
                        "total_size": .int(draft.totalSize), "files": files.eventDetail,
                    ])),
                in: db)
            guard let record = try snapshot.artifact(key: draft.key) else {
                throw CatalogError.io("catalog \(path): artifact \(draft.key) vanished after insert")
            }
            return (record, true)
        }
    }

    /// Marks the artifact under `key` as used now (for LRU eviction). No event. Never moves
    /// `last_used_at` backwards (clocks of several hosts may disagree).
    ///
    /// - Throws: ``CatalogError`` `.notFound` when there is no such artifact.
    package func touchArtifact(key: String) throws {
        do {
            try pool.writeWithoutTransaction { db in
                // Not fsynced: a last-use time lost in a power cut costs at most an earlier eviction,
                // and this write is on the cache-hit path, which must stay within a few milliseconds.
                try db.execute(sql: "PRAGMA synchronous = OFF")
                defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
                try db.inTransaction(.immediate) {
                    try db.execute(
                        sql: "UPDATE artifact SET last_used_at = max(last_used_at, ?) WHERE key = ?", arguments: [now(), key])
                    guard db.changesCount > 0 else { throw CatalogError.notFound("artifact \(key) not found") }
                    return .commit
                }
            }
        } catch let error as CatalogError {
            throw error
        } catch {
            throw CatalogError.translating(error, path: path)
        }
    }

    /// Pins (a gc root, never evicted) or unpins the artifact under `key`, with an `artifact.pin` or
    /// `artifact.unpin` event. Idempotent: when the flag already has that value, writes nothing.
    ///
    /// - Returns: the artifact after the change, without files.
    /// - Throws: ``CatalogError`` `.notFound` when there is no such artifact.
    @discardableResult
    package func setPinned(key: String, _ pinned: Bool) throws -> ArtifactRecord {
        try write { db in
            guard let current = try SQLiteCatalogSnapshot(db: db).artifact(key: key) else {
                throw CatalogError.notFound("artifact \(key) not found")
            }
            guard current.pinned != pinned else { return current.withoutFiles }
            try db.execute(sql: "UPDATE artifact SET pinned = ? WHERE id = ?", arguments: [pinned ? 1 : 0, current.id])
            try appendEvent(
                EventDraft(
                    kind: pinned ? "artifact.pin" : "artifact.unpin", subject: key,
                    detail: .object(["key": .string(key)])),
                in: db)
            guard let record = try SQLiteCatalogSnapshot(db: db).artifact(key: key) else {
                throw CatalogError.io("catalog \(path): artifact \(key) vanished after update")
            }
            return record.withoutFiles
        }
    }

    /// Deletes the artifact under `key` (its inputs and file rows cascade), with an `artifact.evict`
    /// event carrying `reason` and the file digests. Rows only: the blobs stay until gc.
    ///
    /// - Warning: a pinned artifact is deleted too; callers that evict for space must skip pinned ones.
    /// - Returns: the deleted artifact, with its files.
    /// - Throws: ``CatalogError`` `.notFound` when there is no such artifact.
    @discardableResult
    package func deleteArtifact(key: String, reason: String) throws -> ArtifactRecord {
        try write { db in
            guard let current = try SQLiteCatalogSnapshot(db: db).artifact(key: key) else {
                throw CatalogError.notFound("artifact \(key) not found")
            }
            try deleteArtifactRow(current, reason: reason, in: db)
            return current
        }
    }

    /// Deletes one artifact row (inputs and files cascade) and appends its `artifact.evict` event,
    /// inside the caller's write transaction. `artifact` must carry its files (for the event).
    func deleteArtifactRow(_ artifact: ArtifactRecord, reason: String, in db: Database) throws {
        try db.execute(sql: "DELETE FROM artifact WHERE id = ?", arguments: [artifact.id])
        try appendEvent(
            EventDraft(
                kind: "artifact.evict", subject: artifact.key,
                detail: .object([
                    "key": .string(artifact.key), "reason": .string(reason), "total_size": .int(artifact.totalSize),
                    "files": (artifact.files ?? []).eventDetail,
                ])),
            in: db)
    }
}
