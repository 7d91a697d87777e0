package import Foundation
internal import GRDB
package import LoomJSON

/// One entry of the append-only, hash-chained event log.
///
/// `hash = sha256_hex(prevHash + canonical([seq, at, actor, kind, subject, detail]))`, with 64 zeros
/// as the first event's `prevHash` (see ``Catalog/verifyChain()``).
package struct EventRecord: Sendable, Equatable {
    package let seq: Int64
    package let at: Date
    /// `"<user>@<host> pid <pid>"`.
    package let actor: String
    /// `base.add`, `adapter.rm`, `artifact.build`, `lease.takeover`, ...
    package let kind: String
    /// `name@version`, an artifact key, or a lease name.
    package let subject: String
    /// Canonical JSON with the digests involved.
    package let detail: JSONValue
    package let prevHash: String
    package let hash: String

    init(row: Row) throws {
        seq = try row.decode(forColumn: "seq")
        at = try row.time("at")
        actor = try row.decode(forColumn: "actor")
        kind = try row.decode(forColumn: "kind")
        subject = try row.decode(forColumn: "subject")
        detail = try row.json("detail")
        prevHash = try row.decode(forColumn: "prev_hash")
        hash = try row.decode(forColumn: "hash")
    }
}

/// An event to append; the catalog adds seq, time, actor and the hashes.
package struct EventDraft: Sendable, Equatable {
    package var kind: String
    package var subject: String
    package var detail: JSONValue

    package init(kind: String, subject: String, detail: JSONValue) {
        self.kind = kind
        self.subject = subject
        self.detail = detail
    }
}
