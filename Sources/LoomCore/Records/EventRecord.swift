package import Foundation
package import LoomJSON

/// One entry of the append-only, hash-chained event log.
///
/// `hash = sha256_hex(prevHash + canonical([seq, at, actor, kind, subject, detail]))`, with 64 zeros
/// as the first event's `prevHash` (see ``CatalogStore/verifyChain()``).
package struct EventRecord: Sendable, Equatable {
    /// Position in the log, from 1, without gaps in an intact log.
    package let seq: Int64
    /// When it was appended (to the millisecond).
    package let at: Date
    /// `"<user>@<host> pid <pid>"`.
    package let actor: String
    /// `base.add`, `adapter.rm`, `artifact.build`, `lease.takeover`, ...
    package let kind: String
    /// `name@version`, an artifact key, or a lease name.
    package let subject: String
    /// Canonical JSON with the digests involved.
    package let detail: JSONValue
    /// The previous event's ``hash``; 64 zeros for the first.
    package let prevHash: String
    /// 64 lowercase hex digits, computed as the type documentation says.
    package let hash: String

    /// A record with the given fields (backends decode rows into it; tests build it directly).
    package init(seq: Int64, at: Date, actor: String, kind: String, subject: String, detail: JSONValue, prevHash: String, hash: String) {
        self.seq = seq
        self.at = at
        self.actor = actor
        self.kind = kind
        self.subject = subject
        self.detail = detail
        self.prevHash = prevHash
        self.hash = hash
    }
}

/// An event to append; the catalog adds seq, time, actor and the hashes.
package struct EventDraft: Sendable, Equatable {
    /// Dotted noun and verb: `base.add`, `build.refused`, ...
    package var kind: String
    /// What it is about: `name@version`, an artifact key, a lease name.
    package var subject: String
    /// Anything else worth keeping, with full digests.
    package var detail: JSONValue

    /// A draft; see each property.
    package init(kind: String, subject: String, detail: JSONValue) {
        self.kind = kind
        self.subject = subject
        self.detail = detail
    }
}
