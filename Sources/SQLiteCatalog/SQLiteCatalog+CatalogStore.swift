internal import Foundation
package import LoomCore

/// The SQLite catalog as a ``CatalogStore``: writes are `BEGIN IMMEDIATE` transactions (serialised by
/// SQLite's write lock across processes), reads are WAL read transactions (snapshot isolation), and the
/// lease fast path is "that pid is gone, or was reused, on this host" (``LeaseHolderLiveness``).
extension SQLiteCatalog: CatalogStore {
    /// The database file.
    package var location: String { path }

    /// Runs `body` on one consistent read snapshot (a read transaction) and returns its result.
    ///
    /// The snapshot is valid only inside `body`. Writers (in this and other processes) proceed
    /// meanwhile, unseen. For gc: compute the plan from one snapshot, re-check under the write lock.
    package func snapshot<T>(_ body: (any CatalogReader) throws -> T) throws -> T {
        try read { try body($0) }
    }

    /// ``acquireLease(name:ttl:isStale:)`` with this host's fast path for gone holders.
    package func acquireLease(name: String, ttl: Duration) throws -> LeaseOutcome {
        try acquireLease(name: name, ttl: ttl, isStale: LeaseHolderLiveness.isGone)
    }

    /// True when the holder ran on this host and its pid is gone or was reused (``LeaseHolderLiveness``).
    package func leaseHolderIsGone(_ lease: LeaseRecord) -> Bool { LeaseHolderLiveness.isGone(lease) }

    /// ``evictArtifacts(_:isStale:)`` with this host's fast path for gone holders.
    package func evictArtifacts(_ evictions: [Eviction]) throws -> [EvictionOutcome] {
        try evictArtifacts(evictions, isStale: LeaseHolderLiveness.isGone)
    }

    /// ``sweepBlobs(isStale:_:)`` with this host's fast path for gone holders.
    package func sweepBlobs(_ body: (any CatalogReader) throws -> [String]) throws -> SweepOutcome {
        try sweepBlobs(isStale: LeaseHolderLiveness.isGone) { try body($0) }
    }
}

extension SQLiteCatalogSnapshot: CatalogReader {
    /// The highest version `name` has ever had as a `kind` (`.base` or `.adapter`), removed versions
    /// included; nil when it never had one. A `NAME@N` with N at most this and no row was removed.
    package func highestVersionEver(of name: String, kind: NameKind) throws -> Int? {
        guard kind != .recipe else { return nil }
        return try highestVersionEver(of: name, in: kind.rawValue)
    }
}
