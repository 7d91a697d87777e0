package import Foundation

/// What `loom gc` is asked to do.
package struct GCOptions: Sendable, Equatable {
    /// Compute and return the plan, changing nothing.
    package var dryRun: Bool
    /// Budget for the total `total_size` of the artifacts kept, in bytes; nil evicts no artifact.
    /// - Warning: `0` evicts every artifact that is neither pinned nor under a live build lease.
    package var maxSize: Int64?
    /// How old an unreferenced blob, ingest file or stray directory must be to go.
    package var grace: Duration
    /// The time ages are measured from; nil is the registry's clock (tests fix it).
    package var now: Date?

    /// Options; the defaults collect garbage only (no eviction) with a grace period of one hour.
    package init(dryRun: Bool = false, maxSize: Int64? = nil, grace: Duration = .seconds(3600), now: Date? = nil) {
        self.dryRun = dryRun
        self.maxSize = maxSize
        self.grace = grace
        self.now = now
    }
}
