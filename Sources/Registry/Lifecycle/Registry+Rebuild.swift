import BlobStore
import LoomCore
import Foundation
import LoomJSON
import Merge

#if canImport(Glibc)
import Glibc
#endif

extension Registry {
    /// Rebuilds an artifact from its recorded sources into a scratch area and compares every output
    /// file with the recorded digest and with the bytes on disk (each recorded blob is rehashed), so a
    /// corrupt blob is not reported as identical. Changes neither the artifact nor the store's blobs.
    ///
    /// The sources are found by the digests the artifact records (base manifest, adapter manifests,
    /// weights, dtype), whatever names they carry now. The merge writes into a private blob store under
    /// `ingest/rebuild-<pid>-<random>/` (removed on every exit path) while reading base and adapter
    /// blobs from the store, under a lease so gc keeps them meanwhile. On the same machine and engine
    /// the rebuild is expected to be bit-identical; a differing weight file is compared tensor by
    /// tensor, in ulps of the output dtype.
    ///
    /// - Parameter text: the artifact's key, bare hex, or a unique prefix of at least 8 hex digits.
    /// - Throws: ``RegistryError`` `.notFound` for an unknown key or when the base or an adapter is no
    ///   longer registered ("the sources are gone"); `.invalid` for an ambiguous prefix; `.io` when a
    ///   source blob cannot be read (run `loom verify`) or the scratch area cannot be made.
    package func rebuild(key text: String, progress: any ProgressSink = SilentProgress()) throws(RegistryError) -> RebuildReport {
        guard let catalog = try existingCatalog() else { throw .notFound("no artifact \(Names.quoted(text)): \(noStoreMessage)") }
        guard let artifact = try findArtifact(text, catalog: catalog) else {
            throw .notFound("no artifact has key \(Names.quoted(text))")
        }
        guard let key = Digest(parsing: artifact.key) else { throw .internal("artifact key \(artifact.key) is not a digest") }
        var notes: [String] = []
        let recipe = try sources(of: artifact, catalog: catalog, notes: &notes)
        if artifact.engineVersion != MergePlan.engineVersion {
            notes.append("built by merge engine \(artifact.engineVersion), rebuilt by \(MergePlan.engineVersion): bits may differ")
        } else if recipe.key != key {
            notes.append("the recorded sources resolve to key \(recipe.key), not \(key)")
        }
        let scratch = blobs.ingestDirectory + "/rebuild-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let store: any LocalBlobStore
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            store = try blobs.store(at: scratch)
        } catch {
            throw .io("cannot make the rebuild scratch area \(scratch): \(error)")
        }
        let rebuilt = try withRebuildLease(key: key, catalog: catalog) { (renew) throws(RegistryError) in
            try writeMerged(recipe, key: key, catalog: catalog, into: store, progress: progress, renewLease: renew).entries
        }
        let files = compare(recorded: artifact.files ?? [], rebuilt: rebuilt, scratch: store)
        return RebuildReport(
            key: artifact.key, recordedEngine: artifact.engineVersion, currentEngine: MergePlan.engineVersion, files: files,
            notes: notes)
    }

    /// The recipe an artifact was built from, with its inputs looked up by digest.
    private func sources(of artifact: ArtifactRecord, catalog: any CatalogStore, notes: inout [String]) throws(RegistryError) -> BuildRecipe {
        let bases: [BaseRecord]
        let adapters: [AdapterRecord]
        do {
            bases = try catalog.bases().filter { $0.manifestDigest == artifact.baseDigest }
            adapters = try catalog.adapters()
        } catch {
            throw RegistryError(error)
        }
        var gone: [String] = []
        let base = bases.last
        if base == nil { gone.append("base \(artifact.baseDigest)") }
        let asked = artifact.provenance["asked"]?["adapters"]?.arrayValue ?? []
        var inputs: [BuildRecipe.Input] = []
        for input in artifact.inputs.sorted(by: { $0.position < $1.position }) {
            let matches = adapters.filter { $0.manifestDigest == input.adapterDigest }
            guard let adapter = matches.last(where: { $0.baseID == base?.id }) ?? matches.last else {
                gone.append("adapter \(input.adapterDigest)")
                continue
            }
            let spelled = asked.first { $0["digest"]?.stringValue == input.adapterDigest }?["asked"]?.stringValue
            inputs.append(.init(adapter: adapter, weight: input.weight, asked: spelled ?? adapter.reference))
        }
        guard let base, gone.isEmpty else {
            throw .notFound(
                "cannot rebuild artifact \(artifact.key): its sources are gone from the catalog (\(gone.joined(separator: ", ")))")
        }
        guard let dtype = ModelDType(rawValue: artifact.dtype) else {
            throw .invalid("artifact \(artifact.key) records dtype \(artifact.dtype), which this loom cannot write")
        }
        notes.append("sources: base \(base.reference), " + inputs.map { "adapter \($0.adapter.reference) × \($0.weight)" }.joined(separator: ", "))
        let combine = try CombineOptions(recorded: artifact.recipe["combine"])
        if !combine.isLinear { notes.append("combination: \(combine.summary)") }
        let qlora = try QLoRAOptions(recorded: artifact.recipe["qlora"])
        if let qlora { notes.append("QLoRA-faithful: \(qlora.summary)") }
        return BuildRecipe(base: base, inputs: inputs, dtype: dtype, combine: combine, qlora: qlora)
    }

    /// Runs `body` holding a lease that keeps gc from deleting the source blobs; `body` gets a renewer.
    private func withRebuildLease<T>(
        key: Digest, catalog: any CatalogStore, _ body: (() throws(RegistryError) -> Void) throws(RegistryError) -> T
    ) throws(RegistryError) -> T {
        let name = "rebuild:\(key):\(Registry.hostName):\(getpid()):\(UInt64.random(in: 0...UInt64.max))"
        do {
            _ = try catalog.acquireLease(name: name, ttl: Self.buildLeaseTTL)
        } catch {
            throw RegistryError(error)
        }
        defer { _ = try? catalog.releaseLease(name: name) }
        let renewer = renewing(name, catalog: catalog, ttl: Self.buildLeaseTTL)
        defer { renewer.stop() }
        return try body { () throws(RegistryError) in
            do {
                try catalog.renewLease(name: name, ttl: Self.buildLeaseTTL)
            } catch {
                throw RegistryError(error)
            }
        }
    }

    /// Pairs recorded and rebuilt files by path, rehashes the recorded blobs on disk, and compares
    /// differing weight files (as on disk against the rebuild) tensor by tensor.
    private func compare(recorded: [FileEntry], rebuilt: [Manifest.Entry], scratch: any LocalBlobStore) -> [RebuildReport.File] {
        let recordedByPath = Dictionary(recorded.map { ($0.path, $0.digest) }, uniquingKeysWith: { a, _ in a })
        let rebuiltByPath = Dictionary(rebuilt.map { ($0.path, $0.digest) }, uniquingKeysWith: { a, _ in a })
        var onDisk: [String: Result<String?, any Error>] = [:]
        for digest in Set(recordedByPath.values) {
            guard let parsed = Digest(parsing: digest) else { continue }
            onDisk[digest] = Result {
                guard let check = try blobs.check(parsed, size: nil) else { return nil }
                switch check.outcome {
                case .ok: return digest
                case .corrupt(let actual): return actual.description
                case .missing, .wrongSize: return nil
                }
            }
        }
        return Set(recordedByPath.keys).union(rebuiltByPath.keys).sorted().map { path in
            var file = RebuildReport.File(path: path, recorded: recordedByPath[path], rebuilt: rebuiltByPath[path]?.description)
            if let oldText = file.recorded {
                switch onDisk[oldText] {
                case .success(let digest): file.onDisk = digest
                case .failure(let error): file.note = "the recorded blob \(oldText) cannot be read: \(error)"
                case nil: break
                }
            }
            guard !file.isIdentical, path.hasSuffix(".safetensors"), let newDigest = rebuiltByPath[path],
                let oldText = file.recorded, let oldDigest = Digest(parsing: oldText)
            else { return file }
            guard file.onDisk != nil else {
                if file.note == nil { file.note = "the recorded blob \(oldText) is missing (run loom verify)" }
                return file
            }
            let newPath = scratch.contains(newDigest) ? scratch.path(of: newDigest) : blobs.path(of: newDigest)
            // A rebuilt file that is the recorded blob itself (a reused base shard) has nothing to compare with.
            guard newPath != blobs.path(of: oldDigest) else { return file }
            do {
                file.tensors = try TensorComparison.differences(recorded: blobs.path(of: oldDigest), rebuilt: newPath)
                if file.tensors.isEmpty { file.note = "every tensor is bit-identical; the header (metadata or layout) differs" }
            } catch {
                file.note = "cannot compare tensors: \(error)"
            }
            return file
        }
    }
}
