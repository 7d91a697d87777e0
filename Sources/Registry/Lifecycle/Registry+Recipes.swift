package import LoomCore
package import Merge

extension Registry {
    /// Adds (or, with `replace`, changes) the named build `name`.
    ///
    /// The base and adapters must be registered now, and the combination must be buildable (the same
    /// checks as `build`), so a mistake shows up here rather than at the first build. Inputs are stored
    /// as names: a name without `@VERSION` resolves to the latest version at build time. A nil `base`
    /// means the base the adapters were registered on, as `NAME@VERSION` (they must share one). With
    /// `replace`, what is not given is kept from the existing recipe: a nil `base` or `dtype`, or no
    /// `adapters`, or a nil `combine` (a new recipe without `combine` is linear), or a nil `qlora` (a
    /// QLoRA recipe stays one: remove it to drop the option). Idempotent: identical content changes nothing.
    /// - Throws: ``RegistryError`` `.notFound` for unknown inputs, `.invalid` for an unbuildable
    ///   combination, no adapters, or adapters on different bases without `base`; `.conflict` for a name
    ///   taken by a base or adapter, or by a recipe with other inputs.
    package func addRecipe(
        name: String, base: Reference?, adapters: [WeightedReference], dtype: ModelDType?, replace: Bool,
        combine: CombineOptions? = nil, qlora: QLoRAOptions? = nil
    ) throws(RegistryError) -> (record: RecipeRecord, created: Bool) {
        try Names.validate(name)
        let catalog = try writableCatalog()
        let existing = replace ? try recipe(named: name) : nil
        let inputs = adapters.isEmpty
            ? existing?.adapters ?? []
            : adapters.map { RecipeInput(adapterName: $0.reference.name, adapterVersion: $0.reference.version, weight: $0.weight) }
        guard !inputs.isEmpty else { throw .invalid("recipe \(name) needs at least one --adapter NAME[:WEIGHT]") }
        let baseReference: Reference
        if let base {
            baseReference = base
        } else if let existing {
            baseReference = Reference(name: existing.baseName, version: existing.baseVersion)
        } else {
            baseReference = try sharedBase(of: inputs, catalog: catalog)
        }
        let draft = NewRecipe(
            name: name, baseName: baseReference.name, baseVersion: baseReference.version,
            dtype: dtype?.rawValue ?? existing?.dtype, adapters: inputs,
            combine: combine.map {
                RecipeCombine(
                    method: $0.method.rawValue, density: $0.density, majoritySign: $0.majoritySign?.rawValue,
                    seed: $0.seed.map { Int64($0) })
            } ?? existing?.combine ?? .linear,
            qlora: qlora.map { RecipeQLoRA(quantType: $0.quantType.rawValue, doubleQuant: $0.doubleQuant) } ?? existing?.qlora)
        // Resolve and plan once now, exactly as a build would.
        let recipe = try resolveRecipe(draft, catalog: catalog, dtype: nil)
        _ = try plan(recipe, catalog: catalog)
        do {
            return try catalog.addRecipe(draft, replace: replace)
        } catch {
            throw RegistryError(error)
        }
    }

    /// The recipe `name`, or nil (also when there is no store).
    package func recipe(named name: String) throws(RegistryError) -> RecipeRecord? {
        guard let catalog = try existingCatalog() else { return nil }
        do {
            return try catalog.recipe(name: name)
        } catch {
            throw RegistryError(error)
        }
    }

    /// The base every input was registered on, as `NAME@VERSION`.
    ///
    /// - Throws: ``RegistryError`` `.notFound` for an unknown adapter; `.invalid` naming the bases when
    ///   they differ.
    private func sharedBase(of inputs: [RecipeInput], catalog: any CatalogStore) throws(RegistryError) -> Reference {
        do {
            var bases: [String: Reference] = [:]
            for input in inputs {
                let reference = Reference(name: input.adapterName, version: input.adapterVersion)
                guard let adapter = try catalog.adapter(name: input.adapterName, version: input.adapterVersion) else {
                    throw RegistryError.notFound("adapter \(reference) is not registered" + whyMissing(reference, catalog: catalog))
                }
                bases[adapter.baseReference] = Reference(name: adapter.baseName, version: adapter.baseVersion)
            }
            guard bases.count == 1, let only = bases.values.first else {
                throw RegistryError.invalid(
                    "the adapters were registered on different bases (\(bases.keys.sorted().joined(separator: ", "))); pass --base NAME")
            }
            return only
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
        guard let catalog = try existingCatalog() else { throw .notFound("recipe \(name) is not registered: \(noStoreMessage)") }
        do {
            return try catalog.removeRecipe(name: name)
        } catch {
            throw RegistryError(error)
        }
    }

    /// The recipe named `reference`, resolved to digests, or nil when no recipe has that name.
    func namedRecipe(_ reference: Reference, catalog: any CatalogStore, dtype: ModelDType?) throws(RegistryError) -> BuildRecipe? {
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
    func resolveRecipe(_ r: NewRecipe, catalog: any CatalogStore, dtype: ModelDType?) throws(RegistryError) -> BuildRecipe {
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
            let qlora = try r.qlora.map { (q) throws(RegistryError) in
                guard let type = QLoRAOptions.QuantType(rawValue: q.quantType) else {
                    throw RegistryError.invalid("recipe \(r.name) stores QLoRA type \(q.quantType), which this loom cannot build")
                }
                return QLoRAOptions(quantType: type, doubleQuant: q.doubleQuant)
            }
            return BuildRecipe(base: base, inputs: inputs, dtype: chosen, recipeName: r.name, combine: combine, qlora: qlora)
        } catch {
            throw RegistryError(error)
        }
    }
}
