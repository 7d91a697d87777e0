import BlobStore
import LoomCore
import Foundation

extension Registry {
    /// Where a file, an artifact or a build target came from.
    ///
    /// `text` is, in this order: a path (it contains `/`); an artifact key (`sha256:<hex>`, bare hex,
    /// or a unique prefix of at least 8 hex digits); a build target name (a recipe or an adapter,
    /// `NAME[@V]`), resolved to its cache key exactly as `build` would but without building; or an
    /// existing file in the current directory. A file is hashed (symlinks followed) and reported with
    /// every artifact, base and adapter that holds its bytes, and the path inside each.
    ///
    /// Read-only; creates nothing. `progress` sees the hashing of a file.
    ///
    /// - Throws: ``RegistryError`` `.notFound` for an unknown name or key, a target that has not been
    ///   built ("… has not been built; run loom build …"), a missing file, or a file no catalog row
    ///   holds; `.invalid` for a base name or a directory, or an ambiguous key prefix; `.io` when the
    ///   file or the catalog cannot be read.
    package func audit(_ text: String, progress: any ProgressSink = SilentProgress()) throws(RegistryError) -> AuditReport {
        if text.contains("/") { return try auditFile(text, catalog: existingCatalog(), progress: progress) }
        guard let catalog = try existingCatalog() else {
            if FileManager.default.fileExists(atPath: text) { return try auditFile(text, catalog: nil, progress: progress) }
            throw .notFound("nothing named \(Names.quoted(text)): \(noStoreMessage)")
        }
        if let artifact = try findArtifact(text, catalog: catalog) {
            return .artifact(artifact, directory: artifactPath(artifact))
        }
        do {
            if let report = try auditTarget(text, catalog: catalog) { return report }
        } catch where error.kind == .notFound || error.kind == .invalid {
            if FileManager.default.fileExists(atPath: text) { return try auditFile(text, catalog: catalog, progress: progress) }
            throw error
        }
        return try auditFile(text, catalog: catalog, progress: progress)
    }

    /// The artifact a build of the recipe or adapter `text` would return, or nil when `text` is no name.
    private func auditTarget(_ text: String, catalog: any CatalogStore) throws(RegistryError) -> AuditReport? {
        guard let reference = try? Reference(parsing: text) else { return nil }
        let kind: NameKind?
        do {
            kind = try catalog.nameKind(reference.name)
        } catch {
            throw RegistryError(error)
        }
        if kind == .base, try namedRecipe(reference, catalog: catalog, dtype: nil) == nil {
            throw .invalid(
                "\(reference) is a base; audit an artifact key, a recipe or adapter name, or a file (loom audit PATH)")
        }
        let recipe: BuildRecipe
        do {
            recipe = try resolve(BuildRequest(target: .named(reference)), catalog: catalog)
        } catch where error.kind == .notFound {
            // A recipe whose adapter was removed (rm --force) still names what it built.
            guard let key = try recipeFallback(reference, catalog: catalog), let artifact = try? catalog.artifact(key: key) else {
                throw error
            }
            return .artifact(artifact, directory: artifactPath(artifact))
        }
        let artifact: ArtifactRecord?
        do {
            artifact = try catalog.artifact(key: recipe.key.description)
        } catch {
            throw RegistryError(error)
        }
        guard let artifact else {
            throw .notFound("\(reference) (as \(recipe.dtype.rawValue)) has not been built; run loom build \(reference)")
        }
        return .artifact(artifact, directory: artifactPath(artifact))
    }

    /// Hashes the file at `path` and looks up every catalog row holding its bytes.
    private func auditFile(_ path: String, catalog: (any CatalogStore)?, progress: any ProgressSink) throws(RegistryError) -> AuditReport {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isDirectory) else {
            throw .notFound("no such file: \(path)")
        }
        guard !isDirectory.boolValue else { throw .invalid("\(path) is a directory; audit a file in it") }
        let (digest, size) = try Self.sha256(ofFile: absolute, progress: progress)
        var holders: [AuditReport.Holder] = []
        if let catalog {
            do {
                for holder in try catalog.holders(ofDigest: digest.description) {
                    switch holder.kind {
                    case .artifact:
                        if let a = try catalog.artifact(key: holder.name) { holders.append(.artifact(a, path: holder.path)) }
                    case .base:
                        if let b = try catalog.base(id: holder.id) { holders.append(.base(b, path: holder.path)) }
                    case .adapter:
                        if let a = try catalog.adapter(id: holder.id) { holders.append(.adapter(a, path: holder.path)) }
                    }
                }
            } catch {
                throw RegistryError(error)
            }
        }
        var notes: [String] = []
        // A link to a blob file names the blob it expects; a mismatch means the stored bytes changed.
        let resolved = URL(fileURLWithPath: absolute).resolvingSymlinksInPath().path
        let blobDirectory = URL(fileURLWithPath: blobs.blobDirectory).resolvingSymlinksInPath().path + "/"
        if resolved.hasPrefix(blobDirectory), let named = Digest(hex: (resolved as NSString).lastPathComponent),
            named != digest
        {
            notes.append("the store's blob \(named) no longer holds its bytes (they hash to \(digest)); run loom verify")
            if holders.isEmpty {
                throw .notFound("\(path) is blob \(named), whose bytes are corrupt (they hash to \(digest)); run loom verify")
            }
        }
        guard !holders.isEmpty else {
            throw .notFound("\(path) (\(digest)) is not held by any base, adapter or artifact in \(root)")
        }
        return .file(.init(path: absolute, digest: digest.description, size: size, holders: holders, notes: notes))
    }

    /// The SHA-256 digest and size of a file, through the blob store's file hashing (symlinks
    /// followed). Regular files only: a FIFO or a device is refused before it is read (it could block or
    /// never end).
    ///
    /// - Throws: ``RegistryError`` as ``openRegularFile(_:shown:)``; `.io` when reading fails.
    static func sha256(ofFile path: String, progress: any ProgressSink) throws(RegistryError) -> (Digest, Int64) {
        let (handle, total) = try openRegularFile(path, shown: path)
        defer { try? handle.close() }
        progress.begin("hashing \((path as NSString).lastPathComponent)", total: total)
        defer { progress.end() }
        do {
            let hashed = try Digest.hashing(file: handle.fileDescriptor, path: path) { progress.advance(to: $0) }
            return (hashed.digest, hashed.size)
        } catch let error as BlobStoreError {
            throw .io("cannot read \(path): \(error.message)")
        } catch {
            throw .io("cannot read \(path): \(error)")
        }
    }
}
