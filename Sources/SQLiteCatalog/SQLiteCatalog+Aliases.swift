internal import GRDB
internal import LoomJSON
internal import LoomCore

extension SQLiteCatalog {
    /// Gives base `name` the further name `alias`, with a `base.alias` event.
    ///
    /// Idempotent: an alias `name` already has changes nothing (returns false).
    ///
    /// - Throws: ``CatalogError`` `.invalid` for a bad alias; `.notFound` when no base is named `name`;
    ///   `.conflict` when `alias` is the name of a base, adapter or recipe, or another base's alias.
    @discardableResult
    package func addBaseAlias(_ alias: String, to name: String) throws -> Bool {
        try Validation.name(alias)
        return try write { db in try insertAlias(alias, to: name, in: db) }
    }

    /// Removes `alias` of base `name`, with a `base.unalias` event.
    ///
    /// - Throws: ``CatalogError`` `.notFound` when `alias` is not an alias of `name`.
    package func removeBaseAlias(_ alias: String, of name: String) throws {
        try write { db in
            guard let target = try SQLiteCatalogSnapshot(db: db).aliasTarget(alias), target == name else {
                throw CatalogError.notFound("\"\(alias)\" is not an alias of base \"\(name)\"")
            }
            try db.execute(sql: "DELETE FROM base_alias WHERE alias = ?", arguments: [alias])
            try appendEvent(
                EventDraft(kind: "base.unalias", subject: target, detail: .object(["name": .string(target), "alias": .string(alias)])), in: db)
        }
    }

    /// The insert behind ``addBaseAlias(_:to:)``, inside a write transaction.
    func insertAlias(_ alias: String, to name: String, in db: Database) throws -> Bool {
        try Validation.name(alias)
        let snapshot = SQLiteCatalogSnapshot(db: db)
        guard try snapshot.base(name: name) != nil else { throw try Self.notFound("base", name: name, version: nil, snapshot) }
        if let target = try snapshot.aliasTarget(alias) {
            guard target == name else {
                throw CatalogError.conflict("alias \"\(alias)\" already names base \"\(target)\"")
            }
            return false
        }
        if let kind = try snapshot.nameKind(alias) {
            throw CatalogError.conflict("alias \"\(alias)\" is already \(kind.withArticle)'s name; names are unique across kinds")
        }
        try db.execute(sql: "INSERT INTO base_alias (alias, name, created_at) VALUES (?, ?, ?)", arguments: [alias, name, now()])
        try appendEvent(
            EventDraft(kind: "base.alias", subject: name, detail: .object(["name": .string(name), "alias": .string(alias)])), in: db)
        return true
    }
}

extension SQLiteCatalogSnapshot {
    /// Whether the catalog has aliases at all: not one opened read-only before migration 0007 was applied.
    var hasAliasTable: Bool {
        get throws { try db.tableExists("base_alias") }
    }

    /// The base name `alias` stands for, or nil.
    package func aliasTarget(_ alias: String) throws -> String? {
        guard try hasAliasTable else { return nil }
        return try String.fetchOne(db, sql: "SELECT name FROM base_alias WHERE alias = ?", arguments: [alias])
    }

    /// Every alias with its base name, ordered by alias.
    package func baseAliases() throws -> [(alias: String, name: String)] {
        guard try hasAliasTable else { return [] }
        return try Row.fetchAll(db, sql: "SELECT alias, name FROM base_alias ORDER BY alias").map { ($0["alias"], $0["name"]) }
    }
}
