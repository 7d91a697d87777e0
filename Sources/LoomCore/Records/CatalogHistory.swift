package import Foundation

/// How much history a catalog holds: what tells a catalog that lost its rows (copied without its `-wal`)
/// from a new one.
package struct CatalogHistory: Sendable, Equatable {
    /// Whether the event log has a row; every change of the catalog appends one.
    package var hasEvents: Bool
    /// Whether the lease table has a row (work in progress, or left by a crash).
    package var hasLeases: Bool
    /// When the first migration was applied: the catalog file's schema was created then.
    package var createdAt: Date?

    /// True when the catalog records nothing at all: no event and no lease.
    package var isBlank: Bool { !hasEvents && !hasLeases }

    /// A value with the given fields.
    package init(hasEvents: Bool, hasLeases: Bool, createdAt: Date?) {
        self.hasEvents = hasEvents
        self.hasLeases = hasLeases
        self.createdAt = createdAt
    }
}
