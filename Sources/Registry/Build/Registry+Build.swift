import BlobStore
package import LoomCore
import Foundation
import LoomFaults
import LoomJSON
package import Merge
import Safetensors

#if canImport(Glibc)
import Glibc
#endif

/// What to build.
package struct BuildRequest: Sendable {
    package enum Target: Sendable {
        /// A recipe name, or an adapter name (merged into the base it was registered on).
        case named(Reference)
        /// A base and weighted adapters; a nil base means the adapters' common registered base.
        case explicit(base: Reference?, adapters: [WeightedReference])
    }

    package var target: Target
    /// Nil: the base's dtype (or the recipe's).
    package var dtype: ModelDType?
    /// Rehash every blob of a cached artifact before serving it (`build --verify`), instead of comparing
    /// their recorded stats only.
    package var verify: Bool
    /// How the adapters combine (`--combine`); recipes store their own, so a recipe build refuses a non-linear one here.
    package var combine: CombineOptions
    /// A QLoRA-faithful build (`--qlora`); recipes store their own, so a recipe build refuses one here.
    package var qlora: QLoRAOptions?

    package init(
        target: Target, dtype: ModelDType? = nil, verify: Bool = false, combine: CombineOptions = .linear, qlora: QLoRAOptions? = nil
    ) {
        self.qlora = qlora
        self.target = target
        self.dtype = dtype
        self.verify = verify
        self.combine = combine
    }
}

/// The outcome of a build.
package struct BuildResult: Sendable {
    /// Absolute path of the materialized model directory.
    package var path: String
    package var artifact: ArtifactRecord
    /// True when no merge ran in this call (the artifact was cached, or another process built it).
    package var cached: Bool
    /// True when this call waited for another builder of the same key.
    package var waited: Bool
    package var notes: [String]
}

extension Registry {
    /// How long a build lease lasts without renewal; renewed after every shard and by a ``LeaseRenewer``.
    static let buildLeaseTTL: Duration = leaseTTL

    /// Builds (or finds in the cache) the merged model for `request`.
    ///
    /// Resolves names to digests and the cache key; a hit whose blobs are present and intact (see
    /// ``cacheHit(_:catalog:verify:notes:)``) only updates its last-used time. A miss takes the build
    /// lease for the key (waiting while another live process holds it, taking it over once the holder is
    /// gone or the lease expired), streams the merge into blobs while rehashing every input blob, commits
    /// the artifact in one transaction once they all matched, and materializes `artifacts/<key>/`.
    ///
    /// - Throws: ``RegistryError``. A failed build leaves no artifact row; blobs it wrote are unreferenced
    ///   and collected by gc.
    package func build(_ request: BuildRequest, progress: any ProgressSink = SilentProgress()) throws(RegistryError) -> BuildResult {
        guard let existing = try existingCatalog() else {
            let what: String
            switch request.target {
            case .named(let reference): what = "no recipe or adapter named \(reference)"
            case .explicit(let base, let adapters): what = "nothing named \(base?.description ?? adapters.first?.reference.description ?? "")"
            }
            throw .notFound("\(what) is registered: \(noStoreMessage)")
        }
        let recipe = try resolve(request, catalog: existing)
        if case .explicit(let base, _) = request.target, let note = recipe.baseVersionNote(asked: base) { progress.note("note: " + note) }
        let catalog = try writableCatalog()
        let key = recipe.key
        var notes: [String] = []
        if let hit = try cacheHit(key, catalog: catalog, verify: request.verify, notes: &notes) { return hit }

        let leaseName = "build:" + key.description
        var waited = false
        while true {
            let outcome: LeaseOutcome
            do {
                outcome = try catalog.acquireLease(name: leaseName, ttl: Self.buildLeaseTTL)
            } catch {
                throw RegistryError(error)
            }
            if case .acquired = outcome { break }
            if case .held(let lease) = outcome, !waited {
                progress.note("waiting for \(lease.holderHost) pid \(lease.holderPID), which is building \(key)")
            }
            waited = true
            try Self.checkInterrupted()
            usleep(100_000)
            if var hit = try cacheHit(key, catalog: catalog, verify: request.verify, notes: &notes) {
                hit.waited = true
                return hit
            }
        }
        defer { _ = try? catalog.releaseLease(name: leaseName) }
        let renewer = renewing(leaseName, catalog: catalog, ttl: Self.buildLeaseTTL)
        defer { renewer.stop() }
        Fault.point("build.after-lease")
        if var hit = try cacheHit(key, catalog: catalog, verify: request.verify, notes: &notes) {
            hit.waited = waited
            return hit
        }
        try ensureInputsRegistered(recipe, catalog: catalog)
        var built = try merge(recipe, key: key, catalog: catalog, leaseName: leaseName, waited: waited, progress: progress)
        built.notes = notes + built.notes
        return built
    }

    /// The artifact for `key` when it exists with all its blobs intact; touches its last-used time and
    /// makes sure its directory is materialized. An artifact whose blobs are gone is dropped so it can be
    /// rebuilt.
    ///
    /// Intact means: each blob's size, mtime and inode are those recorded at commit (one `lstat` per blob,
    /// which the existence check makes anyway; no read), or, when they differ or `verify` is set, its
    /// bytes rehash to its digest (then the new stats are recorded). A corrupt blob drops every artifact
    /// holding it, and is removed unless a base or adapter holds it, so the rebuild can write it again;
    /// `notes` gets a line saying so. Artifacts without recorded stats (committed before migration 0003)
    /// are only checked for existence, unless `verify` is set.
    func cacheHit(_ key: Digest, catalog: any CatalogStore, verify: Bool, notes: inout [String]) throws(RegistryError) -> BuildResult? {
        do {
            guard let artifact = try catalog.artifact(key: key.description) else { return nil }
            // Touch first: gc re-checks last use under the write lock, so from here on it keeps this artifact.
            do {
                try catalog.touchArtifact(key: key.description)
            } catch let error as CatalogError where error.kind == .notFound {
                return nil
            }
            let entries = try manifestEntries(artifact)
            switch try checkCachedBlobs(artifact, entries: entries, catalog: catalog, verify: verify) {
            case .intact(let checkedNotes):
                let path = try Materializer(registry: self).materialize(key, files: entries)
                return BuildResult(path: path, artifact: artifact, cached: true, waited: false, notes: checkedNotes)
            case .missing:
                do {
                    try catalog.deleteArtifact(key: key.description, reason: "blobs missing; rebuilding")
                } catch let error as CatalogError where error.kind == .notFound {
                    // gc evicted it between the touch and here (its blobs went with it): rebuild all the same.
                }
                return nil
            case .corrupt(let note):
                notes.append(note)
                return nil
            }
        } catch {
            throw RegistryError(error)
        }
    }

    func manifestEntries(_ artifact: ArtifactRecord) throws(RegistryError) -> [Manifest.Entry] {
        var out: [Manifest.Entry] = []
        for f in artifact.files ?? [] {
            guard let d = Digest(parsing: f.digest) else { throw .internal("bad digest \(f.digest) in artifact \(artifact.key)") }
            out.append(.init(path: f.path, digest: d, size: f.size))
        }
        return out
    }

    static var hostName: String {
        var buffer = [UInt8](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix(while: { $0 != 0 }), as: UTF8.self)
    }
}
