/// Opens a store's catalog lazily, the way Registry needs it: a writable one (created on first write)
/// for commands that write, the existing one (or nil, creating nothing) for commands that read.
///
/// How to open it (read-write, read-only for a user who cannot write the store, an immutable view of a
/// read-only mount) is the backend's business; error messages name ``location``.
///
/// Thread safety: `Sendable`; first use from several threads opens the catalog once and every caller
/// gets that same instance.
package protocol CatalogProvider: Sendable {
    /// Where the catalog lives, for messages.
    var location: String { get }
    /// Whether the catalog exists (a read on a missing one sees an empty store and creates nothing).
    var exists: Bool { get }
    /// The catalog, created when missing, opened for writing; `created` is true for the one call that
    /// created it (the caller tells the user where the new store is).
    ///
    /// - Throws: ``CatalogError`` `.io` naming the store when it is read-only for this user (before
    ///   anything is tried) or cannot be created; as the backend's open otherwise.
    func writable() throws -> (catalog: any CatalogStore, created: Bool)
    /// The catalog when it exists, else nil (nothing is created). Opened read-only when this user
    /// cannot write it.
    ///
    /// - Throws: ``CatalogError`` when it exists but cannot be opened or read.
    func existing() throws -> (any CatalogStore)?
}
