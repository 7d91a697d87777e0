import BlobStore
package import LoomCore
import Foundation
import Merge
import Safetensors

extension Registry {
    /// Turns the fully fine-tuned model at `tuned` into a new adapter `name` on base `base`
    /// (peft-merge-semantics §10.4): every changed linear weight becomes a rank-≤R LoRA factor pair of
    /// τ = W_tuned − W_base (float64), other changed tensors are saved whole (`modules_to_save`) or left
    /// out (``ExtractionOptions/skipUndecomposable``). The result is written as a PEFT adapter
    /// directory and registered through ``registerAdapter(directory:name:base:source:progress:)`` (all
    /// its checks), then its provenance (base and tuned digests, rank, method, seed) is recorded.
    ///
    /// The tuned directory is validated as `base add` validates a base; every tensor must be in the base
    /// with the same dtype and shape, and the base's in it. Deterministic: the same inputs and options give
    /// the same adapter bytes (and digest) on one machine. Not idempotent: a taken name is refused.
    ///
    /// - Throws: ``RegistryError`` `.invalid` for a rank below 1, a tensor that does not match the base
    ///   (naming it), NaN or Inf in a changed tensor, or a tuned model identical to the base;
    ///   `.notFound` when the base is not registered; `.conflict` when `name` is taken. A refusal stores
    ///   nothing.
    package func extractAdapter(
        base reference: Reference, tuned directory: String, name: String, options: ExtractionOptions,
        progress: any ProgressSink = SilentProgress()
    ) throws(RegistryError) -> ExtractionResult {
        guard options.rank >= 1 else { throw .invalid("--rank must be at least 1, not \(options.rank)") }
        try Names.validate(name)
        try refuseNameOfAnotherKind(name, registering: .adapter)
        guard let catalog = try existingCatalog(), let base = try lookupBase(reference, catalog) else {
            throw .notFound("base \(reference) is not registered")
        }
        do {
            if try catalog.adapter(name: name) != nil {
                throw RegistryError.conflict(
                    "adapter \"\(name)\" already exists; extract registers a new adapter: choose another --name or remove it first")
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(error)
        }
        let loaded = try BaseModelLoader(registry: self).load(base, catalog: catalog)
        var notes: [String] = []
        let tunedModel = try TunedModel(directory: directory, store: root, layout: blobs, notes: &notes)
        defer { tunedModel.close() }
        let baseShards = try openShards(of: loaded, base: base)
        defer { for f in baseShards.values { f.close() } }

        let result = try ExtractionPass(
            base: loaded, baseRecord: base, baseShards: baseShards, tuned: tunedModel, options: options
        ).run(progress: progress)
        notes += result.notes

        let scratch = try Self.makeScratchDirectory()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        try result.adapter.write(to: scratch)
        let registration = try registerAdapter(
            directory: scratch, name: name, base: Reference(name: base.name, version: base.version), source: tunedModel.path,
            progress: progress)
        let extraction = ExtractionRecord(
            baseManifestDigest: base.manifestDigest, tunedManifestDigest: tunedModel.manifestDigest.description,
            tunedSource: tunedModel.path, rank: options.rank, method: options.exact ? "exact" : "randomized",
            seed: options.exact ? nil : Int64(bitPattern: options.seed))
        let recorded: ExtractionRecord
        do {
            let writable = try writableCatalog()
            try writable.recordExtraction(adapterID: registration.record.id, extraction)
            recorded = try writable.extraction(adapterID: registration.record.id) ?? extraction
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(error)
        }
        for c in result.clamped {
            notes.append("\(c.module) has rank at most \(c.rank): kept rank \(c.rank) (rank_pattern)")
        }
        if !result.skipped.isEmpty {
            notes.append("left out \(result.skipped.count) changed tensor(s) no LoRA can express (--skip-undecomposable): \(result.skipped.joined(separator: ", "))")
        }
        if !result.savedWhole.isEmpty {
            notes.append("saved \(result.savedWhole.count) changed tensor(s) whole (modules_to_save): \(result.savedWhole.joined(separator: ", "))")
        }
        return ExtractionResult(
            registration: registration, extraction: recorded, decomposed: result.adapter.factors.map(\.module).sorted(),
            savedWhole: result.savedWhole, skipped: result.skipped, clamped: result.clamped, notes: notes + registration.notes)
    }

    /// The provenance of an extracted adapter, or nil for one registered from a directory.
    ///
    /// - Throws: ``RegistryError`` when the catalog cannot be read.
    package func extraction(of adapter: AdapterRecord) throws(RegistryError) -> ExtractionRecord? {
        guard let catalog = try existingCatalog() else { return nil }
        do {
            return try catalog.extraction(adapterID: adapter.id)
        } catch {
            throw RegistryError(error)
        }
    }

    /// The base's shards, opened from the store, by relative path.
    private func openShards(of loaded: LoadedBase, base: BaseRecord) throws(RegistryError) -> [String: SafetensorsFile] {
        var shards: [String: SafetensorsFile] = [:]
        let paths = Set(loaded.tensors.map(\.path))
        for file in loaded.files where paths.contains(file.path) {
            guard let digest = Digest(parsing: file.digest) else { throw .internal("base \(base.reference): bad digest \(file.digest)") }
            do {
                shards[file.path] = try SafetensorsFile(path: blobs.path(of: digest))
            } catch {
                for f in shards.values { f.close() }
                throw .io("cannot read \(file.path) of base \(base.reference): \(error) (run `loom verify`)")
            }
        }
        return shards
    }

    /// A new private directory under the system's temporary directory; the caller removes it.
    static func makeScratchDirectory() throws(RegistryError) -> String {
        let path = FileManager.default.temporaryDirectory.path + "/loom-extract-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .io("cannot create a scratch directory \(path): \(error.localizedDescription)")
        }
        return path
    }
}
