internal import GRDB
package import LoomCore

/// One consistent view of the catalog: every read through it sees the same committed state.
///
/// Handed to the closure of ``SQLiteCatalog/snapshot(_:)`` (a read transaction) and used inside write
/// transactions. Valid only during that closure: do not store it or pass it to another thread.
/// Every query is set-based (a fixed number of statements, never one per row).
package struct SQLiteCatalogSnapshot {
    let db: Database

    init(db: Database) {
        self.db = db
    }

    /// Every base version, ordered by name then version.
    package func bases() throws -> [BaseRecord] {
        try Row.fetchAll(db, sql: "SELECT \(BaseRecord.columns) FROM base ORDER BY name, version")
            .map(BaseRecord.init(row:))
    }

    /// The base `name` at `version`, or its latest version when `version` is nil; nil when absent.
    package func base(name: String, version: Int? = nil) throws -> BaseRecord? {
        let row: Row?
        if let version {
            row = try Row.fetchOne(
                db, sql: "SELECT \(BaseRecord.columns) FROM base WHERE name = ? AND version = ?",
                arguments: [name, version])
        } else {
            row = try Row.fetchOne(
                db, sql: "SELECT \(BaseRecord.columns) FROM base WHERE name = ? ORDER BY version DESC LIMIT 1",
                arguments: [name])
        }
        return try row.map(BaseRecord.init(row:))
    }

    /// The base with row id `id`, or nil.
    package func base(id: Int64) throws -> BaseRecord? {
        try Row.fetchOne(db, sql: "SELECT \(BaseRecord.columns) FROM base WHERE id = ?", arguments: [id])
            .map(BaseRecord.init(row:))
    }

    /// The latest version of `name` whose manifest is `manifestDigest`, or nil.
    func base(name: String, manifestDigest: String) throws -> BaseRecord? {
        try Row.fetchOne(
            db,
            sql: "SELECT \(BaseRecord.columns) FROM base WHERE name = ? AND manifest_digest = ? ORDER BY version DESC LIMIT 1",
            arguments: [name, manifestDigest]
        ).map(BaseRecord.init(row:))
    }

    /// The files of base `baseID`, ordered by path; empty when the base is absent.
    package func baseFiles(baseID: Int64) throws -> [FileEntry] {
        try Row.fetchAll(
            db, sql: "SELECT path, digest, size FROM base_file WHERE base_id = ? ORDER BY path", arguments: [baseID]
        ).map(FileEntry.init(row:))
    }

    /// The tensor index of base `baseID`, ordered by path then position.
    package func baseTensors(baseID: Int64) throws -> [TensorEntry] {
        try Row.fetchAll(
            db,
            sql: "SELECT name, dtype, shape, path, position FROM base_tensor WHERE base_id = ? ORDER BY path, position",
            arguments: [baseID]
        ).map(TensorEntry.init(row:))
    }

    /// What `name` is registered as (a base's alias counts as a base), or nil when it is free.
    package func nameKind(_ name: String) throws -> NameKind? {
        let kind = try String.fetchOne(
            db,
            sql: """
                SELECT 'base' FROM base WHERE name = ? UNION ALL SELECT 'adapter' FROM adapter WHERE name = ?
                UNION ALL SELECT 'recipe' FROM recipe WHERE name = ? LIMIT 1
                """,
            arguments: [name, name, name])
        if kind == nil, try aliasTarget(name) != nil { return .base }
        return kind.flatMap(NameKind.init(rawValue:))
    }

    /// One more than the highest version `name` has ever had in `table` (`base` or `adapter`), removed
    /// versions included, so a number is never given twice; 1 for a name never used.
    func nextVersion(of name: String, in table: String) throws -> Int {
        try (highestVersionEver(of: name, in: table) ?? 0) + 1
    }

    /// The highest version `name` has ever had in `table` (`base` or `adapter`), even if removed since; nil
    /// when the name was never given a version of that kind.
    package func highestVersionEver(of name: String, in table: String) throws -> Int? {
        try Int.fetchOne(
            db,
            sql: """
                SELECT MAX(v) FROM (SELECT MAX(version) AS v FROM \(table) WHERE name = ?
                    UNION ALL SELECT version FROM version_high WHERE kind = ? AND name = ?)
                """,
            arguments: [name, table, name])
    }

    /// Every lease, ordered by name.
    package func leases() throws -> [LeaseRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM lease ORDER BY name").map(LeaseRecord.init(row:))
    }

    /// The lease `name`, or nil.
    package func lease(name: String) throws -> LeaseRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM lease WHERE name = ?", arguments: [name]).map(LeaseRecord.init(row:))
    }
}
