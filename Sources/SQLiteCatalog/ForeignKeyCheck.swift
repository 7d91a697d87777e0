internal import GRDB
internal import LoomCore

/// `PRAGMA foreign_key_check`, described one line per violating row.
enum ForeignKeyCheck {
    static func violations(_ db: Database) throws -> [String] {
        try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").map { row in
            let table: String = try row.decode(atIndex: 0)
            let rowid: Int64? = try row.decode(atIndex: 1)
            let parent: String = try row.decode(atIndex: 2)
            let where_ = rowid.map { " row \($0)" } ?? " (a row)"
            return "foreign key: \(table)\(where_) references a missing \(parent) row"
        }
    }
}
