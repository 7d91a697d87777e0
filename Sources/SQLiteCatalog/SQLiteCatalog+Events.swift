internal import GRDB
internal import LoomJSON
internal import Logging
package import LoomCore

extension SQLiteCatalog {
    /// Appends one event to the log, alone in its own write transaction (for example to record a
    /// refused command). Not idempotent: each call appends a row.
    ///
    /// - Throws: ``CatalogError`` `.busy` or `.io` when the write fails.
    @discardableResult
    package func recordEvent(_ draft: EventDraft) throws -> EventRecord {
        try write { db in try appendEvent(draft, in: db) }
    }

    /// Appends `draft` inside the caller's write transaction, chained to the last event.
    @discardableResult
    func appendEvent(_ draft: EventDraft, in db: Database) throws -> EventRecord {
        let snapshot = SQLiteCatalogSnapshot(db: db)
        // The next seq follows the highest ever used, so that a deleted tail stays visible as a gap.
        let seq = try snapshot.lastEventSeq() + 1
        let prevHash =
            try String.fetchOne(db, sql: "SELECT hash FROM event ORDER BY seq DESC LIMIT 1") ?? EventChain.genesis
        let at = now()
        let actor = identity.actor
        let hash = EventChain.hash(
            prev: prevHash, seq: seq, at: at, actor: actor, kind: draft.kind, subject: draft.subject,
            detail: draft.detail)
        try db.execute(
            sql: """
                INSERT INTO event (seq, at, actor, kind, subject, detail, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [seq, at, actor, draft.kind, draft.subject, draft.detail.canonicalText, prevHash, hash])
        logger.debug(
            "catalog event",
            metadata: ["event.seq": "\(seq)", "event.kind": "\(draft.kind)", "event.subject": "\(draft.subject)"])
        guard let record = try snapshot.events(after: seq - 1, limit: 1).first else {
            throw CatalogError.io("catalog \(path): event \(seq) vanished after insert")
        }
        return record
    }
}
