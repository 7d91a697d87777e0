package import Catalog
package import Merge

extension Registry {
    /// Adds (or, with `replace`, changes) the named build `name`.
    ///
    /// The base and adapters must be registered now, and the combination must be buildable (the same
    /// checks as `build`), so a mistake shows up here rather than at the first build. Inputs are stored
    /// as names: a name without `@VERSION` resolves to the latest version at build time.
    /// Idempotent: identical content changes nothing.
    /// - Throws: ``RegistryError`` `.notFound` for unknown inputs, `.invalid` for an unbuildable
    ///   combination, `.conflict` for a name taken by a base or adapter, or by a recipe with other inputs.
    package func addRecipe(
        name: String, base: Reference, adapters: [WeightedReference], dtype: ModelDType?, replace: Bool,
        combine: CombineOptions = .linear
    ) throws(RegistryError) -> (record: RecipeRecord, created: Bool) {
        try Names.validate(name)
        let draft = NewRecipe(
            name: name, baseName: base.name, baseVersion: base.version, dtype: dtype?.rawValue,
            adapters: adapters.map { RecipeInput(adapterName: $0.reference.name, adapterVersion: $0.reference.version, weight: $0.weight) },
            combine: RecipeCombine(
                method: combine.method.rawValue, density: combine.density, majoritySign: combine.majoritySign?.rawValue,
                seed: combine.seed.map { Int64($0) }))
        let catalog = try writableCatalog()
        // Resolve and plan once now, exactly as a build would.
        let recipe = try resolveRecipe(draft, catalog: catalog, dtype: nil)
        _ = try plan(recipe, catalog: catalog)
        do {
            return try catalog.addRecipe(draft, replace: replace)
        } catch {
            throw RegistryError(error)
        }
    }

    /// Every recipe.
    package func recipes() throws(RegistryError) -> [RecipeRecord] {
        guard let catalog = try existingCatalog() else { return [] }
        do {
            return try catalog.recipes()
        } catch {
            throw RegistryError(error)
        }
    }

    /// Removes recipe `name`; artifacts it built stay (gc may evict them unless pinned).
    package func removeRecipe(name: String) throws(RegistryError) -> RecipeRecord {
        guard let catalog = try existingCatalog() else { throw .notFound("recipe \(name) is not registered (the store is empty)") }
        do {
            return try catalog.removeRecipe(name: name)
        } catch {
            throw RegistryError(error)
        }
    }

    /// The recipe named `reference`, resolved to digests, or nil when no recipe has that name.
    func namedRecipe(_ reference: Reference, catalog: Catalog, dtype: ModelDType?) throws(RegistryError) -> BuildRecipe? {
        let stored: RecipeRecord?
        do {
            stored = try catalog.recipe(name: reference.name)
        } catch {
            throw RegistryError(error)
        }
        guard let stored else { return nil }
        guard reference.version == nil else { throw .invalid("recipes have no versions: use \(reference.name) without @\(reference.version ?? 0)") }
        return try resolveRecipe(stored.content, catalog: catalog, dtype: dtype)
    }

    /// Resolves a recipe's names to the registered versions they mean now.
    func resolveRecipe(_ r: NewRecipe, catalog: Catalog, dtype: ModelDType?) throws(RegistryError) -> BuildRecipe {
        do {
            guard let base = try catalog.base(name: r.baseName, version: r.baseVersion) else {
                let shown = r.baseVersion.map { "\(r.baseName)@\($0)" } ?? r.baseName
                throw RegistryError.notFound("recipe \(r.name) names base \(shown), which is not registered (removed?)")
            }
            var inputs: [BuildRecipe.Input] = []
            for input in r.adapters {
                let shown = input.adapterVersion.map { "\(input.adapterName)@\($0)" } ?? input.adapterName
                guard let adapter = try catalog.adapter(name: input.adapterName, version: input.adapterVersion) else {
                    throw RegistryError.notFound("recipe \(r.name) names adapter \(shown), which is not registered (removed?)")
                }
                inputs.append(.init(adapter: adapter, weight: input.weight, asked: input.weight == 1 ? shown : "\(shown):\(input.weight)"))
            }
            try BuildRecipe.checkDistinct(inputs)
            let chosen = try dtype ?? r.dtype.flatMap(ModelDType.init(rawValue:)) ?? defaultDType(base)
            let combine: CombineOptions
            do {
                combine = try BuildRequest.combination(
                    method: r.combine.method, density: r.combine.density, majoritySign: r.combine.majoritySign,
                    seed: r.combine.seed.map { Int($0) })
            } catch {
                throw RegistryError.invalid("recipe \(r.name) stores a combination this loom cannot build: \(error.message)")
            }
            return BuildRecipe(base: base, inputs: inputs, dtype: chosen, recipeName: r.name, combine: combine)
        } catch {
            throw RegistryError(error)
        }
    }
}
