package import Foundation
internal import GRDB
internal import LoomJSON
package import LoomCore

/// Holds: anyone reading an artifact keeps it through gc until a time it chooses (`loom hold`).
extension SQLiteCatalog {
    /// Holds the artifact `key` for `holder` until `until`, replacing that holder's earlier hold on it
    /// (so taking it again extends or shortens it), with an `artifact.hold` event. Expired holds of any
    /// artifact are deleted on the way.
    ///
    /// - Throws: ``CatalogError`` `.notFound` when there is no such artifact; `.invalid` for an empty or
    ///   over-long holder, or a time not after now; `.busy`/`.io` when the write fails.
    @discardableResult
    package func holdArtifact(key: String, holder: String, until: Date) throws -> HoldRecord {
        guard (1...128).contains(holder.utf8.count) else {
            throw CatalogError.invalid("a holder is 1 to 128 bytes, not \(holder.utf8.count)")
        }
        return try write { db in
            let now = clock()
            guard until > now else { throw CatalogError.invalid("a hold must last past now") }
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM artifact WHERE key = ?", arguments: [key]) else {
                throw CatalogError.notFound("artifact \(key) not found")
            }
            try db.execute(sql: "DELETE FROM artifact_hold WHERE until <= ?", arguments: [Timestamp.string(now)])
            let untilText = Timestamp.string(until)
            try db.execute(
                sql: "INSERT OR REPLACE INTO artifact_hold (artifact_id, holder, until, created_at) VALUES (?, ?, ?, ?)",
                arguments: [id, holder, untilText, Timestamp.string(now)])
            try appendEvent(
                EventDraft(
                    kind: "artifact.hold", subject: key,
                    detail: .object(["key": .string(key), "holder": .string(holder), "until": .string(untilText)])),
                in: db)
            guard let record = try SQLiteCatalogSnapshot(db: db).holds(key: key).first(where: { $0.holder == holder }) else {
                throw CatalogError.io("catalog \(path): hold on \(key) vanished after insert")
            }
            return record
        }
    }

    /// Releases `holder`'s hold on the artifact `key` (every holder's when `holder` is nil), with an
    /// `artifact.release` event per hold released. Idempotent: releasing what is not held changes nothing.
    ///
    /// - Returns: the holds released (live or expired).
    /// - Throws: ``CatalogError`` `.notFound` when there is no such artifact; `.busy`/`.io` when the write fails.
    @discardableResult
    package func releaseHolds(key: String, holder: String?) throws -> [HoldRecord] {
        try write { db in
            guard try SQLiteCatalogSnapshot(db: db).hasArtifact(key: key) else { throw CatalogError.notFound("artifact \(key) not found") }
            let released = try SQLiteCatalogSnapshot(db: db).holds(key: key).filter { holder == nil || $0.holder == holder }
            for hold in released {
                try db.execute(
                    sql: "DELETE FROM artifact_hold WHERE holder = ? AND artifact_id = (SELECT id FROM artifact WHERE key = ?)",
                    arguments: [hold.holder, key])
                try appendEvent(
                    EventDraft(
                        kind: "artifact.release", subject: key,
                        detail: .object(["key": .string(key), "holder": .string(hold.holder)])),
                    in: db)
            }
            return released
        }
    }

}

extension SQLiteCatalogSnapshot {
    /// The holds on `key` (every artifact's when nil), live or expired, ordered by key, then holder.
    /// Empty for a catalog opened read-only before migration 0008 was applied to it.
    package func holds(key: String? = nil) throws -> [HoldRecord] {
        guard try db.tableExists("artifact_hold") else { return [] }
        let sql = """
            SELECT a.key AS key, h.holder AS holder, h.until AS until, h.created_at AS created_at
            FROM artifact_hold h JOIN artifact a ON a.id = h.artifact_id
            """
        if let key {
            return try Row.fetchAll(db, sql: sql + " WHERE a.key = ? ORDER BY h.holder", arguments: [key]).map(HoldRecord.init(row:))
        }
        return try Row.fetchAll(db, sql: sql + " ORDER BY a.key, h.holder").map(HoldRecord.init(row:))
    }
}
