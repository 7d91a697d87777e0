package import Foundation

/// "Keep artifact ``key`` until ``until``, for ``holder``": one `artifact_hold` row (migration 0008).
///
/// A hold is a gc root while it lasts (``isLive(at:)``); unlike a lease it does not end with the process
/// that took it. A value snapshot.
package struct HoldRecord: Sendable, Equatable {
    /// The held artifact's key, `sha256:…`.
    package let key: String
    /// Who holds it: a label, `user@host` unless the taker chose one.
    package let holder: String
    /// When the hold runs out.
    package let until: Date
    /// When it was taken (or last extended).
    package let createdAt: Date

    /// True while the hold lasts at `now`.
    package func isLive(at now: Date) -> Bool { until > now }

    /// A record with the given fields (backends decode rows into it; tests build it directly).
    package init(key: String, holder: String, until: Date, createdAt: Date) {
        self.key = key
        self.holder = holder
        self.until = until
        self.createdAt = createdAt
    }
}
