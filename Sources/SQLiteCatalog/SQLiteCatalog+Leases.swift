internal import Foundation
internal import GRDB
internal import LoomJSON
package import LoomCore

extension SQLiteCatalog {
    /// Takes the lease `name` for this process (pid and host) until now + `ttl`, in one IMMEDIATE
    /// transaction.
    ///
    /// Inserts the lease when absent. When present, takes it over (appending a `lease.takeover`
    /// event) if it has expired or `isStale` says its holder is gone; otherwise reports who holds
    /// it. A live lease held by this same process is `.held` too: one build per name at a time.
    ///
    /// - Parameter isStale: called at most once, inside the write transaction, with the current
    ///   holder's record (for example "pid gone on this host"); keep it fast.
    /// - Throws: ``CatalogError`` `.invalid` for a non-positive `ttl`; `.busy`/`.io` when the write fails.
    package func acquireLease(
        name: String, ttl: Duration, isStale: (LeaseRecord) -> Bool
    ) throws -> LeaseOutcome {
        guard ttl > .zero else { throw CatalogError.invalid("lease \"\(name)\" needs a positive time to live") }
        return try write(checkpoint: false) { db in
            let snapshot = SQLiteCatalogSnapshot(db: db)
            let now = clock()
            let acquiredAt = Timestamp.string(now)
            let expiresAt = Timestamp.string(now.addingTimeInterval(ttl.timeInterval))
            if let current = try snapshot.lease(name: name) {
                let reason: String
                if current.isExpired(at: now) {
                    reason = "expired"
                } else if isStale(current) {
                    reason = "stale"
                } else {
                    return .held(current)
                }
                try db.execute(
                    sql: "UPDATE lease SET holder_pid = ?, holder_host = ?, holder_start = ?, acquired_at = ?, expires_at = ? WHERE name = ?",
                    arguments: [identity.pid, identity.host, identity.startTime, acquiredAt, expiresAt, name])
                try appendEvent(
                    EventDraft(
                        kind: "lease.takeover", subject: name,
                        detail: .object([
                            "reason": .string(reason),
                            "previous_holder": .string("pid \(current.holderPID) on \(current.holderHost)"),
                            "previous_expires_at": .string(Timestamp.string(current.expiresAt)),
                            "expires_at": .string(expiresAt),
                        ])),
                    in: db)
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO lease (name, holder_pid, holder_host, holder_start, acquired_at, expires_at)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [name, identity.pid, identity.host, identity.startTime, acquiredAt, expiresAt])
            }
            guard let lease = try snapshot.lease(name: name) else {
                throw CatalogError.io("catalog \(path): lease \"\(name)\" vanished after write")
            }
            return .acquired(lease)
        }
    }

    /// Extends the lease `name`, held by this process, to now + `ttl`. Idempotent apart from the new expiry.
    ///
    /// - Throws: ``CatalogError`` `.notFound` when there is no such lease; `.conflict` when another
    ///   process holds it (it was taken over).
    /// - Parameter background: a renewal from a timer (``LeaseRenewer`` in Registry) rather than a step of
    ///   the command: it skips the catalog fault points, whose `#N` counts must not depend on timing.
    @discardableResult
    package func renewLease(name: String, ttl: Duration, background: Bool = false) throws -> LeaseRecord {
        guard ttl > .zero else { throw CatalogError.invalid("lease \"\(name)\" needs a positive time to live") }
        return try write(checkpoint: false, faultPoints: !background) { db in
            let snapshot = SQLiteCatalogSnapshot(db: db)
            guard let current = try snapshot.lease(name: name) else {
                throw CatalogError.notFound("lease \"\(name)\" not found")
            }
            guard current.holderPID == identity.pid, current.holderHost == identity.host else {
                throw CatalogError.conflict(
                    "lease \"\(name)\" is held by pid \(current.holderPID) on \(current.holderHost)")
            }
            let expiresAt = Timestamp.string(clock().addingTimeInterval(ttl.timeInterval))
            try db.execute(sql: "UPDATE lease SET expires_at = ? WHERE name = ?", arguments: [expiresAt, name])
            guard let lease = try snapshot.lease(name: name) else {
                throw CatalogError.io("catalog \(path): lease \"\(name)\" vanished after write")
            }
            return lease
        }
    }

    /// Releases the lease `name` if this process (pid and host) holds it. Idempotent: releasing a
    /// lease that is gone, or held by another process, changes nothing.
    ///
    /// - Returns: whether a lease was released.
    /// - Throws: ``CatalogError`` `.busy`/`.io` when the write fails.
    @discardableResult
    package func releaseLease(name: String) throws -> Bool {
        try write(checkpoint: false) { db in
            try db.execute(
                sql: "DELETE FROM lease WHERE name = ? AND holder_pid = ? AND holder_host = ?",
                arguments: [name, identity.pid, identity.host])
            return db.changesCount > 0
        }
    }

}
