internal import GRDB
internal import LoomCore
internal import LoomJSON
internal import Foundation

/// Decoding a `EventRecord` from its SQLite row.
extension EventRecord {
    init(row: Row) throws {
        let seq: Int64 = try row.decode(forColumn: "seq")
        let at: Date = try row.time("at")
        let actor: String = try row.decode(forColumn: "actor")
        let kind: String = try row.decode(forColumn: "kind")
        let subject: String = try row.decode(forColumn: "subject")
        let detail: JSONValue = try row.json("detail")
        let prevHash: String = try row.decode(forColumn: "prev_hash")
        let hash: String = try row.decode(forColumn: "hash")
        self.init(seq: seq, at: at, actor: actor, kind: kind, subject: subject, detail: detail, prevHash: prevHash, hash: hash)
    }
}
