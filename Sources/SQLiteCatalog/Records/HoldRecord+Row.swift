internal import GRDB
internal import LoomCore
internal import LoomJSON
internal import Foundation

/// Decoding a `HoldRecord` from its SQLite row.
extension HoldRecord {
    init(row: Row) throws {
        let key: String = try row.decode(forColumn: "key")
        let holder: String = try row.decode(forColumn: "holder")
        let until: Date = try row.time("until")
        let createdAt: Date = try row.time("created_at")
        self.init(key: key, holder: holder, until: until, createdAt: createdAt)
    }
}
