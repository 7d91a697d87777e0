/// What ``CatalogStore/sweepBlobs(_:)`` found and did with the leases, and whether its body ran.
package struct SweepOutcome: Sendable, Equatable {
    /// A lease deleted because it was dead, and why (`expired` or `holder gone`).
    package struct DeadLease: Sendable, Equatable {
        /// The lease as it was.
        package var lease: LeaseRecord
        /// `expired` or `holder gone`.
        package var reason: String

        /// A value with the given fields.
        package init(lease: LeaseRecord, reason: String) {
            self.lease = lease
            self.reason = reason
        }
    }

    /// Dead leases deleted in the sweep's transaction, each with a `lease.expire` event, by name.
    package var deadLeases: [DeadLease]
    /// The live leases that kept the body from running, by name; empty when it ran.
    package var liveLeases: [LeaseRecord]

    /// True when no live lease existed and the body ran.
    package var swept: Bool { liveLeases.isEmpty }

    /// A value with the given fields.
    package init(deadLeases: [DeadLease], liveLeases: [LeaseRecord]) {
        self.deadLeases = deadLeases
        self.liveLeases = liveLeases
    }
}
