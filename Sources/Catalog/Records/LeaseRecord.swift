package import Foundation
internal import GRDB

/// "Work named ``name`` is in progress by pid ``holderPID`` on ``holderHost`` until ``expiresAt``": one `lease` row.
package struct LeaseRecord: Sendable, Equatable {
    /// What the lease protects, e.g. `build:sha256:…`.
    package let name: String
    /// The holder's process id, on ``holderHost``.
    package let holderPID: Int32
    /// The holder's host name.
    package let holderHost: String
    /// The holder's start time (``ProcessStartTime``): a process with ``holderPID`` but another start time
    /// is not the holder. Nil for leases taken before migration 0004, or where it is unknown.
    package let holderStartTime: Int64?
    /// When the holder took it (or took it over).
    package let acquiredAt: Date
    /// After this anyone may take it over.
    package let expiresAt: Date

    /// True when this process (same pid on the same host) holds the lease.
    package var isHeldByThisProcess: Bool {
        holderPID == ProcessIdentity.current.pid && holderHost == ProcessIdentity.current.host
    }

    /// True when the lease has run out at `now`.
    package func isExpired(at now: Date) -> Bool { expiresAt <= now }

    init(row: Row) throws {
        name = try row.decode(forColumn: "name")
        holderPID = try row.decode(forColumn: "holder_pid")
        holderHost = try row.decode(forColumn: "holder_host")
        // Absent from a catalog opened read-only before migration 0004 was applied to it.
        holderStartTime = row["holder_start"]
        acquiredAt = try row.time("acquired_at")
        expiresAt = try row.time("expires_at")
    }
}

/// The result of ``Catalog/acquireLease(name:ttl:isStale:)``.
package enum LeaseOutcome: Sendable, Equatable {
    /// This process now holds the lease (new, or taken over from an expired or stale holder).
    case acquired(LeaseRecord)
    /// Someone else holds a live lease; the record says who and until when.
    case held(LeaseRecord)
}
