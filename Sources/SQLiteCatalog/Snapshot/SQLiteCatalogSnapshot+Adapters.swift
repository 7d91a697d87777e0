internal import GRDB
package import LoomCore

extension SQLiteCatalogSnapshot {
    /// Every adapter version, ordered by name then version.
    package func adapters() throws -> [AdapterRecord] {
        try Row.fetchAll(
            db, sql: "SELECT \(AdapterRecord.columns) FROM \(AdapterRecord.from) ORDER BY adapter.name, adapter.version"
        ).map(AdapterRecord.init(row:))
    }

    /// The adapter `name` at `version`, or its latest version when `version` is nil; nil when absent.
    package func adapter(name: String, version: Int? = nil) throws -> AdapterRecord? {
        let select = "SELECT \(AdapterRecord.columns) FROM \(AdapterRecord.from) WHERE adapter.name = ?"
        let row: Row?
        if let version {
            row = try Row.fetchOne(db, sql: select + " AND adapter.version = ?", arguments: [name, version])
        } else {
            row = try Row.fetchOne(db, sql: select + " ORDER BY adapter.version DESC LIMIT 1", arguments: [name])
        }
        return try row.map(AdapterRecord.init(row:))
    }

    /// The adapter with row id `id`, or nil.
    package func adapter(id: Int64) throws -> AdapterRecord? {
        try Row.fetchOne(
            db, sql: "SELECT \(AdapterRecord.columns) FROM \(AdapterRecord.from) WHERE adapter.id = ?", arguments: [id]
        ).map(AdapterRecord.init(row:))
    }

    /// The adapters validated against base `baseID`, ordered by name then version.
    package func adapters(baseID: Int64) throws -> [AdapterRecord] {
        try Row.fetchAll(
            db,
            sql: "SELECT \(AdapterRecord.columns) FROM \(AdapterRecord.from) WHERE adapter.base_id = ? "
                + "ORDER BY adapter.name, adapter.version",
            arguments: [baseID]
        ).map(AdapterRecord.init(row:))
    }

    /// The latest version of `name` with this manifest on this base, or nil.
    func adapter(name: String, manifestDigest: String, baseID: Int64) throws -> AdapterRecord? {
        try Row.fetchOne(
            db,
            sql: "SELECT \(AdapterRecord.columns) FROM \(AdapterRecord.from) WHERE adapter.name = ? "
                + "AND adapter.manifest_digest = ? AND adapter.base_id = ? ORDER BY adapter.version DESC LIMIT 1",
            arguments: [name, manifestDigest, baseID]
        ).map(AdapterRecord.init(row:))
    }

    /// The files of adapter `adapterID`, ordered by path.
    package func adapterFiles(adapterID: Int64) throws -> [FileEntry] {
        try Row.fetchAll(
            db, sql: "SELECT path, digest, size FROM adapter_file WHERE adapter_id = ? ORDER BY path",
            arguments: [adapterID]
        ).map(FileEntry.init(row:))
    }
}
