internal import GRDB
internal import LoomJSON
package import LoomCore

extension SQLiteCatalog {
    /// Registers a base version: its row, file manifest, tensor index and a `base.add` event, in one
    /// IMMEDIATE transaction.
    ///
    /// Idempotent on content: when a version of `draft.name` already has `draft.manifestDigest`,
    /// returns that version with `created: false` and writes nothing. Otherwise the new version is
    /// one more than the highest the name has ever had (1 for a new name): a removed version's
    /// number is never given again. The blobs must already be in the store. `draft.aliases` are added in
    /// the same transaction (``addBaseAlias(_:to:)``); an existing version without a Hub id gets `draft`'s.
    ///
    /// - Throws: ``CatalogError`` `.invalid` for a bad name, digest, duplicate path or tensor, or a
    ///   tensor whose file is not in `files`; `.conflict` when the name belongs to an adapter or is an
    ///   alias, or an alias is taken;
    ///   `.busy`/`.io` when the write fails.
    package func registerBase(
        _ draft: NewBase, files: [FileEntry], tensors: [TensorEntry]
    ) throws -> (record: BaseRecord, created: Bool) {
        let owner = "base \"\(draft.name)\""
        try Validation.name(draft.name)
        try Validation.digest(draft.manifestDigest, "\(owner) manifest")
        try Validation.files(files, of: owner)
        try Validation.size(draft.totalSize, owner)
        guard draft.parameterCount >= 0 else { throw CatalogError.invalid("\(owner) has a negative parameter count") }
        try Self.validate(tensors, files: files, owner: owner)
        return try write { db in
            let snapshot = SQLiteCatalogSnapshot(db: db)
            if let kind = try snapshot.nameKind(draft.name), kind != .base {
                throw CatalogError.conflict("name \"\(draft.name)\" is already \(kind.withArticle)")
            }
            if let target = try snapshot.aliasTarget(draft.name) {
                throw CatalogError.conflict("name \"\(draft.name)\" is already an alias of base \"\(target)\"; names are unique across kinds")
            }
            if let existing = try snapshot.base(name: draft.name, manifestDigest: draft.manifestDigest) {
                for alias in draft.aliases { _ = try insertAlias(alias, to: draft.name, in: db) }
                guard existing.hfRepo == nil, let repo = draft.hfRepo else { return (existing, false) }
                try db.execute(
                    sql: "UPDATE base SET hf_repo = ?, hf_revision = ? WHERE id = ?", arguments: [repo, draft.hfRevision, existing.id])
                return (try snapshot.base(id: existing.id) ?? existing, false)
            }
            let version = try snapshot.nextVersion(of: draft.name, in: "base")
            try db.execute(
                sql: """
                    INSERT INTO base (name, version, manifest_digest, architecture, model_type, dtype, parameter_count,
                        total_size, tie_word_embeddings, source, created_at, hf_repo, hf_revision)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    draft.name, version, draft.manifestDigest, draft.architecture, draft.modelType, draft.dtype,
                    draft.parameterCount, draft.totalSize, draft.tieWordEmbeddings ? 1 : 0, draft.source, now(),
                    draft.hfRepo, draft.hfRepo == nil ? nil : draft.hfRevision,
                ])
            let id = db.lastInsertedRowID
            let insertFile = try db.cachedStatement(
                sql: "INSERT INTO base_file (base_id, path, digest, size) VALUES (?, ?, ?, ?)")
            for file in files {
                try insertFile.execute(arguments: [id, file.path, file.digest, file.size])
            }
            let insertTensor = try db.cachedStatement(
                sql: "INSERT INTO base_tensor (base_id, name, dtype, shape, path, position) VALUES (?, ?, ?, ?, ?, ?)")
            for tensor in tensors {
                try insertTensor.execute(
                    arguments: [id, tensor.name, tensor.dtype, tensor.shapeText, tensor.path, tensor.position])
            }
            try appendEvent(
                EventDraft(
                    kind: "base.add", subject: "\(draft.name)@\(version)",
                    detail: .object([
                        "name": .string(draft.name), "version": .int(version),
                        "manifest_digest": .string(draft.manifestDigest), "files": files.eventDetail,
                        "hf_repo": draft.hfRepo.map { .string($0) } ?? .null,
                        "hf_revision": draft.hfRevision.map { .string($0) } ?? .null,
                    ])),
                in: db)
            for alias in draft.aliases { _ = try insertAlias(alias, to: draft.name, in: db) }
            guard let record = try snapshot.base(id: id) else {
                throw CatalogError.io("catalog \(path): base \(draft.name)@\(version) vanished after insert")
            }
            return (record, true)
        }
    }

    /// Removes the base `name` at `version` (latest when nil), its files and tensor index, with a
    /// `base.rm` event. Rows only: the blobs stay until gc.
    ///
    /// - Parameter cascade: also remove the adapters registered against this version (each with
    ///   an `adapter.rm` event).
    /// - Parameter force: cascade even to adapters that recipes build with now.
    /// - Warning: with `cascade`, every adapter of that base version is removed too.
    /// - Returns: what was removed.
    /// - Throws: ``CatalogError`` `.notFound` when there is no such version; `.conflict` naming
    ///   the adapters (`name@version`) that still use it when `cascade` is false, or the recipes that
    ///   build with one of them when `force` is false.
    package func removeBase(name: String, version: Int? = nil, cascade: Bool = false, force: Bool = false) throws -> Removal {
        try write { db in
            let snapshot = SQLiteCatalogSnapshot(db: db)
            guard let base = try snapshot.base(name: name, version: version) else {
                throw try Self.notFound("base", name: name, version: version, snapshot)
            }
            let dependents = try snapshot.adapters(baseID: base.id)
            if !dependents.isEmpty && !cascade {
                let list = dependents.map { "\"\($0.reference)\"" }.joined(separator: ", ")
                throw CatalogError.conflict(
                    "base \"\(base.reference)\" is used by adapter\(dependents.count == 1 ? "" : "s") \(list); "
                        + "remove \(dependents.count == 1 ? "it" : "them") first or cascade")
            }
            if !force {
                for adapter in dependents { try Self.refuseIfRecipesUse(adapter, snapshot) }
            }
            var removal = Removal()
            for adapter in dependents {
                try deleteAdapterRow(adapter, reason: "base \(base.reference) removed", in: db)
                removal.adapters.append(adapter)
            }
            let files = try snapshot.baseFiles(baseID: base.id)
            try db.execute(sql: "DELETE FROM base WHERE id = ?", arguments: [base.id])
            try appendEvent(
                EventDraft(
                    kind: "base.rm", subject: base.reference,
                    detail: .object([
                        "name": .string(base.name), "version": .int(base.version),
                        "manifest_digest": .string(base.manifestDigest), "files": files.eventDetail,
                        "cascaded": .array(dependents.map { .string($0.reference) }),
                    ])),
                in: db)
            removal.bases = [base]
            return removal
        }
    }

    /// A not-found error for `kind` `name[@version]`, saying what the name is when it is another kind.
    static func notFound(_ kind: String, name: String, version: Int?, _ snapshot: SQLiteCatalogSnapshot) throws
        -> CatalogError
    {
        let reference = version.map { "\(name)@\($0)" } ?? name
        if let version, let high = try snapshot.highestVersionEver(of: name, in: kind), version <= high {
            return .notFound("\(kind) \"\(reference)\" not found: it was removed (version numbers are never reused)")
        }
        if let other = try snapshot.nameKind(name), other.rawValue != kind {
            return .notFound("\(kind) \"\(reference)\" not found (\"\(name)\" is \(other.withArticle))")
        }
        return .notFound("\(kind) \"\(reference)\" not found")
    }

    private static func validate(_ tensors: [TensorEntry], files: [FileEntry], owner: String) throws {
        let paths = Set(files.map(\.path))
        var names = Set<String>()
        var positions = Set<[String]>()
        for tensor in tensors {
            guard names.insert(tensor.name).inserted else {
                throw CatalogError.invalid("\(owner) lists tensor \"\(tensor.name)\" twice")
            }
            guard paths.contains(tensor.path) else {
                throw CatalogError.invalid(
                    "tensor \"\(tensor.name)\" of \(owner) is in \"\(tensor.path)\", which is not one of its files")
            }
            guard tensor.shape.allSatisfy({ $0 >= 0 }), tensor.position >= 0 else {
                throw CatalogError.invalid("tensor \"\(tensor.name)\" of \(owner) has a negative dimension or position")
            }
            guard positions.insert([tensor.path, String(tensor.position)]).inserted else {
                throw CatalogError.invalid(
                    "tensor \"\(tensor.name)\" of \(owner) repeats position \(tensor.position) in \"\(tensor.path)\"")
            }
        }
    }
}
