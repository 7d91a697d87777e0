package import Foundation

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

    /// True when the lease has run out at `now`.
    package func isExpired(at now: Date) -> Bool { expiresAt <= now }

    /// A record with the given fields (backends decode rows into it; tests build it directly).
    package init(name: String, holderPID: Int32, holderHost: String, holderStartTime: Int64?, acquiredAt: Date, expiresAt: Date) {
        self.name = name
        self.holderPID = holderPID
        self.holderHost = holderHost
        self.holderStartTime = holderStartTime
        self.acquiredAt = acquiredAt
        self.expiresAt = expiresAt
    }
}

/// The result of ``CatalogStore/acquireLease(name:ttl:)``.
package enum LeaseOutcome: Sendable, Equatable {
    /// This process now holds the lease (new, or taken over from an expired or stale holder).
    case acquired(LeaseRecord)
    /// Someone else holds a live lease; the record says who and until when.
    case held(LeaseRecord)
}
