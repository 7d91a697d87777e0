internal import GRDB
internal import LoomFaults
internal import LoomJSON
package import LoomCore

/// The writes of garbage collection: evicting artifacts and sweeping blobs, each re-checked under the
/// write lock against what the plan (computed from an earlier snapshot) assumed.
extension SQLiteCatalog {
    /// Deletes each artifact of `evictions` that is still evictable, in one IMMEDIATE transaction, with
    /// an `artifact.evict` event each (key, reason, size, files). Rows only: the caller removes the bytes
    /// after this returns.
    ///
    /// Re-checked per artifact under the write lock: it still exists, is not pinned, has no live hold
    /// (``holdArtifact(key:holder:until:)``), has no live `build:<key>` lease (one that has not expired and whose holder `isStale` does not call gone),
    /// and its `last_used_at` is not later than ``Eviction/notUsedSince``. An artifact that fails a check
    /// is left alone and reported as ``EvictionOutcome/kept(key:reason:)``.
    ///
    /// Idempotent in effect: evicting what is gone reports it kept ("gone already") and writes nothing.
    /// Holds the write lock for the whole batch: callers pass a few hundred at a time.
    ///
    /// - Parameter isStale: whether a lease's holder is gone; called inside the transaction, keep it fast.
    /// - Returns: one outcome per eviction, in order.
    /// - Throws: ``CatalogError`` `.busy`/`.io` when the write fails (then nothing was deleted).
    package func evictArtifacts(_ evictions: [Eviction], isStale: (LeaseRecord) -> Bool) throws -> [EvictionOutcome] {
        guard !evictions.isEmpty else { return [] }
        return try write { db in
            let snapshot = SQLiteCatalogSnapshot(db: db)
            let now = clock()
            var outcomes: [EvictionOutcome] = []
            outcomes.reserveCapacity(evictions.count)
            for eviction in evictions {
                guard let current = try snapshot.artifact(key: eviction.key) else {
                    outcomes.append(.kept(key: eviction.key, reason: "gone already"))
                    continue
                }
                if current.pinned {
                    outcomes.append(.kept(key: eviction.key, reason: "pinned since the plan"))
                    continue
                }
                if let hold = try snapshot.holds(key: eviction.key).filter({ $0.isLive(at: now) }).max(by: { $0.until < $1.until }) {
                    outcomes.append(.kept(key: eviction.key, reason: "held by \(hold.holder) until \(Timestamp.string(hold.until))"))
                    continue
                }
                if let lease = try snapshot.lease(name: "build:" + eviction.key), !lease.isExpired(at: now), !isStale(lease) {
                    outcomes.append(
                        .kept(
                            key: eviction.key,
                            reason: "under a live build lease (pid \(lease.holderPID) on \(lease.holderHost))"))
                    continue
                }
                let lastUsed = Timestamp.string(current.lastUsedAt)
                // Compared as catalog text, the form both times were read from, so equal means unchanged.
                if lastUsed > Timestamp.string(eviction.notUsedSince) {
                    outcomes.append(.kept(key: eviction.key, reason: "used since the plan (at \(lastUsed))"))
                    continue
                }
                try deleteArtifactRow(current, reason: eviction.reason, in: db)
                outcomes.append(.evicted(current))
            }
            Fault.point("gc.evict.before-commit")
            return outcomes
        }
    }

    /// Runs `body`, which deletes unreferenced blobs, inside one IMMEDIATE transaction (the write lock),
    /// but only when no live lease exists; records one `gc.sweep` event listing the digests it returns.
    ///
    /// First, under the lock, every lease is classified: expired (at the catalog's clock) or with a
    /// holder `isStale` calls gone is dead and is deleted with a `lease.expire` event, whether or not
    /// `body` runs; any other lease is live. Writers take a lease before they ingest anything and keep it
    /// until the rows referencing their blobs are committed, so while no lease is live and the lock is
    /// held, no blob can be in flight: a blob `body` finds unreferenced
    /// (``SQLiteCatalogSnapshot/isReferenced(digest:)``) can be deleted safely. No event is written when
    /// `body` deletes nothing.
    ///
    /// - Parameters:
    ///   - isStale: whether a lease's holder is gone; called once per unexpired lease, inside the transaction.
    ///   - body: runs under the lock with a snapshot of the transaction; re-checks each blob, deletes it and
    ///     returns the digests it deleted. Keep it to unlinks and renames (no hashing or copying): every
    ///     other writer waits. It must not keep the snapshot.
    /// - Returns: the dead leases deleted and, when `body` did not run, the live leases that stopped it.
    /// - Throws: ``CatalogError`` `.busy`/`.io` when the write fails, or what `body` throws; either way
    ///   the transaction rolls back (dead leases stay), while files `body` already deleted stay deleted.
    package func sweepBlobs(isStale: (LeaseRecord) -> Bool, _ body: (SQLiteCatalogSnapshot) throws -> [String]) throws
        -> SweepOutcome
    {
        try write { db in
            let snapshot = SQLiteCatalogSnapshot(db: db)
            let now = clock()
            var outcome = SweepOutcome(deadLeases: [], liveLeases: [])
            for lease in try snapshot.leases() {
                if lease.isExpired(at: now) {
                    outcome.deadLeases.append(.init(lease: lease, reason: "expired"))
                } else if isStale(lease) {
                    outcome.deadLeases.append(.init(lease: lease, reason: "holder gone"))
                } else {
                    outcome.liveLeases.append(lease)
                }
            }
            for dead in outcome.deadLeases {
                try db.execute(sql: "DELETE FROM lease WHERE name = ?", arguments: [dead.lease.name])
                try appendEvent(
                    EventDraft(
                        kind: "lease.expire", subject: dead.lease.name,
                        detail: .object([
                            "reason": .string(dead.reason),
                            "holder": .string("pid \(dead.lease.holderPID) on \(dead.lease.holderHost)"),
                            "acquired_at": .string(Timestamp.string(dead.lease.acquiredAt)),
                            "expires_at": .string(Timestamp.string(dead.lease.expiresAt)),
                        ])),
                    in: db)
            }
            if outcome.swept {
                let deleted = try body(snapshot)
                if !deleted.isEmpty {
                    try appendEvent(
                        EventDraft(
                            kind: "gc.sweep", subject: "blobs",
                            detail: .object(["count": .int(deleted.count), "deleted": .array(deleted.map { .string($0) })])),
                        in: db)
                }
            }
            Fault.point("gc.sweep.before-commit")
            return outcome
        }
    }
}
