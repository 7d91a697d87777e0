internal import GRDB
internal import LoomJSON
package import LoomCore

extension SQLiteCatalog {
    /// Registers an adapter version against an existing base version: its row, file manifest and an
    /// `adapter.add` event, in one IMMEDIATE transaction.
    ///
    /// Idempotent on content: when a version of `draft.name` already has the same manifest digest
    /// on the same base version, returns it with `created: false` and writes nothing. Otherwise the
    /// new version is one more than the highest the name has ever had, removed versions included
    /// (1 for a new name).
    ///
    /// - Throws: ``CatalogError`` `.invalid` for a bad name, digest or file list; `.notFound` when
    ///   `draft.baseID` is not a base; `.conflict` when the name belongs to a base;
    ///   `.busy`/`.io` when the write fails.
    package func registerAdapter(_ draft: NewAdapter, files: [FileEntry]) throws -> (record: AdapterRecord, created: Bool) {
        let owner = "adapter \"\(draft.name)\""
        try Validation.name(draft.name)
        try Validation.digest(draft.manifestDigest, "\(owner) manifest")
        try Validation.files(files, of: owner)
        try Validation.size(draft.totalSize, owner)
        if let alpha = draft.loraAlpha, !alpha.isFinite {
            throw CatalogError.invalid("\(owner) has lora_alpha \(alpha)")
        }
        return try write { db in
            let snapshot = SQLiteCatalogSnapshot(db: db)
            if let kind = try snapshot.nameKind(draft.name), kind != .adapter {
                throw CatalogError.conflict("name \"\(draft.name)\" is already \(kind.withArticle)")
            }
            guard let base = try snapshot.base(id: draft.baseID) else {
                throw CatalogError.notFound("base id \(draft.baseID) for \(owner) not found")
            }
            if let existing = try snapshot.adapter(
                name: draft.name, manifestDigest: draft.manifestDigest, baseID: draft.baseID)
            {
                return (existing, false)
            }
            let version = try snapshot.nextVersion(of: draft.name, in: "adapter")
            try db.execute(
                sql: """
                    INSERT INTO adapter (name, version, base_id, manifest_digest, peft_type, r, lora_alpha, use_rslora,
                        use_dora, target_modules, rank_pattern, alpha_pattern, config, summary, total_size, source,
                        created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    draft.name, version, draft.baseID, draft.manifestDigest, draft.peftType, draft.r, draft.loraAlpha,
                    draft.useRslora ? 1 : 0, draft.useDora ? 1 : 0, draft.targetModules.canonicalText,
                    draft.rankPattern.canonicalText, draft.alphaPattern.canonicalText, draft.config.canonicalText,
                    draft.summary.canonicalText, draft.totalSize, draft.source, now(),
                ])
            let id = db.lastInsertedRowID
            let insertFile = try db.cachedStatement(
                sql: "INSERT INTO adapter_file (adapter_id, path, digest, size) VALUES (?, ?, ?, ?)")
            for file in files {
                try insertFile.execute(arguments: [id, file.path, file.digest, file.size])
            }
            try appendEvent(
                EventDraft(
                    kind: "adapter.add", subject: "\(draft.name)@\(version)",
                    detail: .object([
                        "name": .string(draft.name), "version": .int(version),
                        "manifest_digest": .string(draft.manifestDigest),
                        "base": .string(base.reference), "base_manifest_digest": .string(base.manifestDigest),
                        "files": files.eventDetail,
                    ])),
                in: db)
            guard let record = try snapshot.adapter(id: id) else {
                throw CatalogError.io("catalog \(path): adapter \(draft.name)@\(version) vanished after insert")
            }
            return (record, true)
        }
    }

    /// Removes the adapter `name` at `version` (latest when nil) and its files, with an `adapter.rm`
    /// event. Rows only: the blobs stay until gc; artifacts built from it are kept.
    ///
    /// - Parameter force: remove it even when recipes build with it now (they then fail to resolve, and
    ///   reach what they built through its provenance).
    /// - Throws: ``CatalogError`` `.notFound` when there is no such version; `.conflict` naming the recipes
    ///   that resolve to this version now (`NAME@V`, or `NAME` when it is the latest) unless `force`.
    package func removeAdapter(name: String, version: Int? = nil, force: Bool = false) throws -> Removal {
        try write { db in
            let snapshot = SQLiteCatalogSnapshot(db: db)
            guard let adapter = try snapshot.adapter(name: name, version: version) else {
                throw try Self.notFound("adapter", name: name, version: version, snapshot)
            }
            if !force { try Self.refuseIfRecipesUse(adapter, snapshot) }
            try deleteAdapterRow(adapter, reason: nil, in: db)
            return Removal(bases: [], adapters: [adapter])
        }
    }

    /// Throws `.conflict` naming the recipes that build with `adapter` now: they name `NAME@V`, or `NAME`
    /// while V is the latest version.
    static func refuseIfRecipesUse(_ adapter: AdapterRecord, _ snapshot: SQLiteCatalogSnapshot) throws {
        let latest = try snapshot.adapter(name: adapter.name, version: nil)?.version
        let users = try snapshot.recipes().filter { recipe in
            recipe.content.adapters.contains {
                $0.adapterName == adapter.name && ($0.adapterVersion ?? latest) == adapter.version
            }
        }
        guard !users.isEmpty else { return }
        let list = users.map { "\"\($0.name)\"" }.joined(separator: ", ")
        throw CatalogError.conflict(
            "adapter \"\(adapter.reference)\" is used by recipe\(users.count == 1 ? "" : "s") \(list); "
                + "change or remove \(users.count == 1 ? "it" : "them") first, or pass --force")
    }

    /// Deletes one adapter row (its files cascade) and appends its `adapter.rm` event.
    func deleteAdapterRow(_ adapter: AdapterRecord, reason: String?, in db: Database) throws {
        let files = try SQLiteCatalogSnapshot(db: db).adapterFiles(adapterID: adapter.id)
        try db.execute(sql: "DELETE FROM adapter WHERE id = ?", arguments: [adapter.id])
        var detail: JSONObject = [
            "name": .string(adapter.name), "version": .int(adapter.version),
            "manifest_digest": .string(adapter.manifestDigest), "base": .string(adapter.baseReference),
            "files": files.eventDetail,
        ]
        if let reason { detail["reason"] = .string(reason) }
        try appendEvent(EventDraft(kind: "adapter.rm", subject: adapter.reference, detail: .object(detail)), in: db)
    }
}
