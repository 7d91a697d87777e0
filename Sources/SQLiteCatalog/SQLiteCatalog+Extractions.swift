internal import GRDB
internal import LoomJSON
package import LoomCore

/// Provenance of extracted adapters (`loom adapter extract`, migration 0010).
extension SQLiteCatalog {
    /// Records where adapter `adapterID` was extracted from, with an `adapter.extract` event.
    /// Idempotent: recording the same provenance again changes nothing.
    ///
    /// - Throws: ``CatalogError`` `.notFound` when there is no such adapter; `.invalid` for a bad
    ///   digest, rank or method; `.conflict` when it already has a different provenance;
    ///   `.busy`/`.io` when the write fails.
    package func recordExtraction(adapterID: Int64, _ draft: ExtractionRecord) throws {
        try Validation.digest(draft.baseManifestDigest, "extraction base")
        try Validation.digest(draft.tunedManifestDigest, "extraction tuned model")
        guard draft.rank >= 1, ["exact", "randomized"].contains(draft.method) else {
            throw CatalogError.invalid("extraction rank \(draft.rank) or method \(draft.method) is not valid")
        }
        try write { db in
            let snapshot = SQLiteCatalogSnapshot(db: db)
            guard let adapter = try snapshot.adapter(id: adapterID) else {
                throw CatalogError.notFound("adapter id \(adapterID) not found")
            }
            if let existing = try snapshot.extraction(adapterID: adapterID) {
                var same = draft
                same.createdAt = existing.createdAt
                guard same == existing else {
                    throw CatalogError.conflict("adapter \(adapter.reference) already records another extraction")
                }
                return
            }
            try db.execute(
                sql: """
                    INSERT INTO adapter_extraction (adapter_id, base_manifest_digest, tuned_manifest_digest, tuned_source,
                        rank, method, seed, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    adapterID, draft.baseManifestDigest, draft.tunedManifestDigest, draft.tunedSource, draft.rank,
                    draft.method, draft.seed, now(),
                ])
            try appendEvent(
                EventDraft(
                    kind: "adapter.extract", subject: adapter.reference,
                    detail: .object([
                        "name": .string(adapter.name), "version": .int(adapter.version),
                        "base_manifest_digest": .string(draft.baseManifestDigest),
                        "tuned_manifest_digest": .string(draft.tunedManifestDigest),
                        "rank": .int(draft.rank), "method": .string(draft.method),
                        "seed": draft.seed.map { .int(Int($0)) } ?? .null,
                    ])),
                in: db)
        }
    }

    /// The extraction provenance of adapter `adapterID`, or nil when it was registered from a directory.
    package func extraction(adapterID: Int64) throws -> ExtractionRecord? {
        try read { try $0.extraction(adapterID: adapterID) }
    }
}

extension SQLiteCatalogSnapshot {
    /// The `adapter_extraction` row of `adapterID`, or nil.
    func extraction(adapterID: Int64) throws -> ExtractionRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM adapter_extraction WHERE adapter_id = ?", arguments: [adapterID])
            .map(ExtractionRecord.init(row:))
    }
}
