import Catalog

extension Registry {
    /// The recipe named `reference`, resolved, or nil when no recipe has that name.
    func namedRecipe(_ reference: Reference, catalog: Catalog, dtype: ModelDType?) throws(RegistryError) -> BuildRecipe? {
        nil
    }
}
