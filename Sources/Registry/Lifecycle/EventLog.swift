package import LoomCore

/// The catalog's event log as ``Registry/log(limit:)`` returns it: events oldest first, and what the
/// hash-chain check of the whole log found.
///
/// A value snapshot; it does not change when the catalog does.
package struct EventLog: Sendable, Equatable {
    /// The events asked for, oldest first (all of them, or the most recent when limited).
    package var events: [EventRecord]
    /// Events in the whole log.
    package var total: Int
    /// Every break in the whole log's hash chain; empty when it is intact.
    package var chainFindings: [ChainFinding]

    /// True when the chain is intact.
    package var isVerified: Bool { chainFindings.isEmpty }

    /// A log; see each property.
    package init(events: [EventRecord], total: Int, chainFindings: [ChainFinding]) {
        self.events = events
        self.total = total
        self.chainFindings = chainFindings
    }
}
