internal import GRDB
internal import LoomJSON
package import LoomCore

extension SQLiteCatalog {
    /// Adds recipe `draft.name`, or replaces its content when `replace` is true, with a `recipe.add`
    /// or `recipe.replace` event, in one IMMEDIATE transaction.
    ///
    /// Idempotent: identical content returns the existing recipe with `created: false` and writes nothing.
    /// The inputs are names and are not resolved here: a recipe may name an adapter registered later.
    /// - Throws: ``CatalogError`` `.invalid` (bad name, no adapters, non-finite weight); `.conflict` when
    ///   the name is a base or adapter, or is a recipe with other content and `replace` is false.
    package func addRecipe(_ draft: NewRecipe, replace: Bool) throws -> (record: RecipeRecord, created: Bool) {
        try Validation.name(draft.name)
        try Validation.name(draft.baseName)
        guard !draft.adapters.isEmpty else { throw CatalogError.invalid("recipe \"\(draft.name)\" has no adapters") }
        for input in draft.adapters {
            try Validation.name(input.adapterName)
            guard input.weight.isFinite else {
                throw CatalogError.invalid("recipe \"\(draft.name)\": weight \(input.weight) of \(input.adapterName) is not finite")
            }
        }
        return try write { db in
            let snapshot = SQLiteCatalogSnapshot(db: db)
            if let kind = try snapshot.nameKind(draft.name), kind != .recipe {
                throw CatalogError.conflict("name \"\(draft.name)\" is already \(kind.withArticle)")
            }
            let existing = try snapshot.recipe(name: draft.name)
            if let existing, existing.content == draft { return (existing, false) }
            if existing != nil, !replace {
                throw CatalogError.conflict("recipe \"\(draft.name)\" exists with other inputs; pass --replace to change it")
            }
            let now = now()
            let c = draft.combine
            let id: Int64
            if let existing {
                id = existing.id
                try db.execute(
                    sql: """
                        UPDATE recipe SET base_name = ?, base_version = ?, dtype = ?, combine = ?, density = ?, majority_sign = ?,
                            seed = ?, qlora = ?, qlora_double_quant = ?, updated_at = ? WHERE id = ?
                        """,
                    arguments: [
                        draft.baseName, draft.baseVersion, draft.dtype, c.method, c.density, c.majoritySign, c.seed,
                        draft.qlora?.quantType, draft.qlora?.doubleQuant, now, id,
                    ])
                try db.execute(sql: "DELETE FROM recipe_adapter WHERE recipe_id = ?", arguments: [id])
            } else {
                try db.execute(
                    sql: """
                        INSERT INTO recipe (name, base_name, base_version, dtype, combine, density, majority_sign, seed,
                            qlora, qlora_double_quant, created_at, updated_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        draft.name, draft.baseName, draft.baseVersion, draft.dtype, c.method, c.density, c.majoritySign, c.seed,
                        draft.qlora?.quantType, draft.qlora?.doubleQuant, now, now,
                    ])
                id = db.lastInsertedRowID
            }
            for (position, input) in draft.adapters.enumerated() {
                try db.execute(
                    sql: "INSERT INTO recipe_adapter (recipe_id, position, adapter_name, adapter_version, weight) VALUES (?, ?, ?, ?, ?)",
                    arguments: [id, position, input.adapterName, input.adapterVersion, input.weight])
            }
            try appendEvent(
                EventDraft(kind: existing == nil ? "recipe.add" : "recipe.replace", subject: draft.name, detail: Self.recipeDetail(draft)),
                in: db)
            guard let record = try snapshot.recipe(name: draft.name) else {
                throw CatalogError.io("recipe \"\(draft.name)\" vanished inside its own transaction")
            }
            return (record, true)
        }
    }

    /// Removes recipe `name` with a `recipe.rm` event. Artifacts it built stay.
    ///
    /// - Throws: ``CatalogError`` `.notFound`.
    package func removeRecipe(name: String) throws -> RecipeRecord {
        try write { db in
            guard let existing = try SQLiteCatalogSnapshot(db: db).recipe(name: name) else {
                throw CatalogError.notFound("recipe \"\(name)\" not found")
            }
            try db.execute(sql: "DELETE FROM recipe WHERE id = ?", arguments: [existing.id])
            try appendEvent(EventDraft(kind: "recipe.rm", subject: name, detail: Self.recipeDetail(existing.content)), in: db)
            return existing
        }
    }

    static func recipeDetail(_ r: NewRecipe) -> JSONValue {
        var o: JSONObject = [
            "base": .string(r.baseVersion.map { "\(r.baseName)@\($0)" } ?? r.baseName),
            "dtype": r.dtype.map { .string($0) } ?? .null,
            "adapters": .array(r.adapters.map { a in
                .object([
                    "name": .string(a.adapterVersion.map { "\(a.adapterName)@\($0)" } ?? a.adapterName), "weight": .double(a.weight),
                ])
            }),
        ]
        // Only a non-linear combination: linear recipes' events read as they did before migration 0005.
        if r.combine != .linear {
            var c: JSONObject = ["method": .string(r.combine.method)]
            if let d = r.combine.density { c["density"] = .double(d) }
            if let s = r.combine.majoritySign { c["majority_sign"] = .string(s) }
            if let s = r.combine.seed { c["seed"] = .int(Int(s)) }
            o["combine"] = .object(c)
        }
        // Only a QLoRA recipe: other recipes' events read as they did before migration 0011.
        if let q = r.qlora { o["qlora"] = .object(["quant_type": .string(q.quantType), "double_quant": .bool(q.doubleQuant)]) }
        return .object(o)
    }
}
