internal import GRDB
internal import LoomCore
internal import LoomJSON
internal import Foundation

/// Decoding a `LeaseRecord` from its SQLite row.
extension LeaseRecord {
    init(row: Row) throws {
        let name: String = try row.decode(forColumn: "name")
        let holderPID: Int32 = try row.decode(forColumn: "holder_pid")
        let holderHost: String = try row.decode(forColumn: "holder_host")
        // Absent from a catalog opened read-only before migration 0004 was applied to it.
        let holderStartTime: Int64? = row["holder_start"]
        let acquiredAt: Date = try row.time("acquired_at")
        let expiresAt: Date = try row.time("expires_at")
        self.init(name: name, holderPID: holderPID, holderHost: holderHost, holderStartTime: holderStartTime, acquiredAt: acquiredAt, expiresAt: expiresAt)
    }
}
