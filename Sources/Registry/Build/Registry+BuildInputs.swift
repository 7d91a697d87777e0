import BlobStore
import LoomCore

/// A build's inputs may be removed (`loom rm`) between the moment the build resolves them and the moment
/// it reads their files: these checks turn that race into a clear "not found" instead of a half-read input
/// (an internal "incomplete manifest" error, or worse, the files of another registration that got the id).
///
/// Why they suffice: once the build holds its `build:<key>` lease, gc deletes no blob, so an input whose row
/// is still there (same id, same manifest digest) when the build reads its file rows has all its blobs for the
/// rest of the build, even if it is removed meanwhile. Row ids are checked together with the manifest digest
/// because SQLite may give a removed row's id to the next registration.
extension Registry {
    /// Throws `.notFound` naming the first input of `recipe` whose row is gone or now names other content.
    func ensureInputsRegistered(_ recipe: BuildRecipe, catalog: any CatalogStore) throws(RegistryError) {
        let base = recipe.base
        let missing: String?
        do {
            missing = try catalog.snapshot { snapshot -> String? in
                if try snapshot.base(id: base.id)?.manifestDigest != base.manifestDigest { return "base \(base.reference)" }
                for input in recipe.inputs where try snapshot.adapter(id: input.adapter.id)?.manifestDigest != input.adapter.manifestDigest {
                    return "adapter \(input.adapter.reference)"
                }
                return nil
            }
        } catch {
            throw RegistryError(error)
        }
        if let missing { throw Self.removedInput(missing) }
    }

    /// The file rows of a base or adapter, required to make up the manifest its row was registered with.
    ///
    /// - Throws: ``RegistryError`` `.notFound` when they do not (the row was removed, or its id reused, after
    ///   the build resolved it).
    static func checkedFiles(_ files: [FileEntry], manifestDigest: String, of owner: String) throws(RegistryError) -> [FileEntry] {
        var entries: [Manifest.Entry] = []
        for file in files {
            guard let digest = Digest(parsing: file.digest) else { throw .internal("bad digest \(file.digest) in \(owner)") }
            entries.append(.init(path: file.path, digest: digest, size: file.size))
        }
        guard !files.isEmpty, Manifest(entries).digest.description == manifestDigest else { throw removedInput(owner) }
        return files
    }

    static func removedInput(_ owner: String) -> RegistryError {
        .notFound("\(owner) was removed while this command was using it; nothing was written (run it again to use what is registered now)")
    }
}
