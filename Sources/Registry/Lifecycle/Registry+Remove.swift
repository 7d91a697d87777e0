package import LoomCore
import LoomFaults

extension Registry {
    /// What `loom rm` can remove.
    package enum RemovableKind: String, Sendable, CaseIterable {
        case base, adapter
    }

    /// Removes a base or adapter version (the latest when no version is given).
    ///
    /// Rows only: blobs are left for gc, and artifacts built from it stay (they name inputs by digest).
    /// A base that adapters still reference is refused unless `cascade` removes those adapters too; an
    /// adapter version that recipes build with now (also one that `cascade` would remove) is refused
    /// unless `force` (their artifacts stay
    /// reachable by the recipe's name, see ``setPinned(_:_:progress:)``).
    /// - Throws: ``RegistryError`` `.notFound`, or `.conflict` naming the referencing adapters or recipes.
    package func remove(
        _ kind: RemovableKind, _ reference: Reference, cascade: Bool, force: Bool = false
    ) throws(RegistryError) -> Removal {
        guard let catalog = try existingCatalog() else { throw .notFound("\(kind.rawValue) \(reference) is not registered: \(noStoreMessage)") }
        let removal: Removal
        do {
            switch kind {
            case .base: removal = try catalog.removeBase(name: reference.name, version: reference.version, cascade: cascade, force: force)
            case .adapter: removal = try catalog.removeAdapter(name: reference.name, version: reference.version, force: force)
            }
        } catch {
            let failure = RegistryError(error)
            // The catalog knows only that the name is missing; the suggestion needs the other names.
            guard failure.kind == .notFound else { throw failure }
            throw RegistryError(.notFound, failure.message + didYouMean(reference.name, catalog: catalog))
        }
        Fault.point("rm.after-commit")
        return removal
    }
}
