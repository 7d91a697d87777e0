import BlobStore
package import LoomCore
import Foundation
import LoomJSON
import Merge
import Safetensors

/// The outcome of `adapter add`.
package struct AdapterRegistration: Sendable {
    package var record: AdapterRecord
    /// False when identical content was already registered under this name (nothing was written).
    package var created: Bool
    package var notes: [String]
}

extension Registry {
    /// Registers the PEFT adapter directory at `directory` as a new version of adapter `name`.
    ///
    /// Validates everything before storing anything (docs/architecture.md "register adapter"): the config
    /// (unmergeable variants refused naming the field), every tensor key against the base (accounted
    /// for, both factors present, shapes agreeing with the rank and the base layer's layout), and every
    /// value (no NaN or Inf). The base is `base` when given, else the registered base that
    /// `base_model_name_or_path` names: by name, alias, Hugging Face id or snapshot path, or the path it
    /// was registered from (``resolveNamedBase(_:catalog:shown:)``).
    /// The tokenizer and chat-template files the directory ships (``AdapterFiles``) are stored with it
    /// and are part of its manifest digest. `source` is recorded as where it came from (default: the directory).
    /// Idempotent: identical content against the same base under the same name changes nothing.
    ///
    /// - Throws: ``RegistryError`` (`.conflict` when `name` is a base's); a refused adapter leaves the
    ///   catalog and blobs as they were.
    package func registerAdapter(
        directory: String, name: String, base baseReference: Reference?, source: String? = nil,
        progress: any ProgressSink = SilentProgress()
    ) throws(RegistryError) -> AdapterRegistration {
        try Names.validate(name)
        try refuseNameOfAnotherKind(name, registering: .adapter)
        let dir = try ModelDirectory(directory, store: root, layout: blobs)
        guard let configFile = dir.file("adapter_config.json") else {
            throw .invalid("\(directory) has no adapter_config.json: not a PEFT adapter directory")
        }
        guard let weightsFile = dir.file("adapter_model.safetensors") else {
            if dir.file("adapter_model.bin") != nil {
                throw .invalid("\(directory) holds only adapter_model.bin (a pickle): loom never unpickles weights; save the adapter with safe_serialization=True")
            }
            if let shard = dir.files.first(where: { $0.relativePath.hasPrefix("adapter_model-") && $0.relativePath.hasSuffix(".safetensors") }) {
                throw .invalid(
                    "\(directory) holds \(shard.relativePath), a sharded adapter file, and no adapter_model.safetensors; PEFT itself cannot load sharded adapters: save it unsharded")
            }
            throw .invalid("\(directory) has no adapter_model.safetensors")
        }
        let configBytes = try readSmallFile(configFile.resolvedPath, shown: "\(directory)/adapter_config.json")
        let config: AdapterConfig
        do {
            config = try AdapterConfig.parse(configBytes)
        } catch {
            // AdapterConfig's messages start with the file name; put the directory in front of it.
            let message = error.message.hasPrefix("adapter_config.json") ? error.message : "adapter_config.json: " + error.message
            throw .invalid("\(directory)/\(message)")
        }

        let catalog = try existingCatalog()
        let base = try resolveBase(for: config, explicit: baseReference, catalog: catalog, directory: directory)
        guard let catalog else { throw .internal("a base resolved without a catalog") }
        let model = try BaseModelLoader(registry: self).load(base, catalog: catalog).model

        // Validate the source file completely (header, keys, shapes, values) and hash it in the same
        // read, so the copy below can insist on exactly these bytes.
        let shown = "\(directory)/adapter_model.safetensors"
        let checked = try checkAdapterWeights(
            path: weightsFile.resolvedPath, shown: shown, configShown: "\(directory)/adapter_config.json", config: config, base: model)
        let shipped = try readShippedFiles(dir, shown: directory)

        return try withIngestLease { () throws(RegistryError) in
            try storeAdapter(
                name: name, dir: dir, base: base, config: config, configBytes: configBytes, shipped: shipped,
                weightsFile: weightsFile, checked: checked, shown: shown, source: source ?? dir.path, progress: progress)
        }
    }

    /// The writing half of ``registerAdapter(directory:name:base:progress:)``, under an ingest lease.
    private func storeAdapter(
        name: String, dir: ModelDirectory, base: BaseRecord, config: AdapterConfig, configBytes: [UInt8],
        shipped: [(name: String, bytes: [UInt8])], weightsFile: ModelDirectory.File, checked: (digest: Digest, analysis: AdapterAnalysis), shown: String,
        source: String, progress: any ProgressSink
    ) throws(RegistryError) -> AdapterRegistration {
        let weights: IngestResult
        let configBlob: IngestResult
        var shippedEntries: [Manifest.Entry] = []
        do {
            progress.begin("storing \(name)", total: weightsFile.size)
            defer { progress.end() }
            configBlob = try blobs.ingest(bytes: configBytes, expecting: nil)
            for file in shipped {
                let blob = try blobs.ingest(bytes: file.bytes, expecting: nil)
                shippedEntries.append(.init(path: file.name, digest: blob.digest, size: blob.size))
            }
            weights = try blobs.ingest(
                contentsOf: weightsFile.resolvedPath, expecting: checked.digest, identity: weightsFile.identity,
                progress: { progress.advance(to: $0) })
        } catch let error as BlobStoreError
            where error.kind == .digestMismatch || error.kind == .sizeMismatch || error.kind == .invalid
        {
            throw RegistryError(.invalid, "cannot store \(shown): \(error) (did it change while being registered?)")
        } catch let error as BlobStoreError where error.errno == ENOSPC {
            throw .io("cannot store \(shown): the disk is full: \(error)")
        } catch {
            throw .io("cannot store \(shown): \(error)")
        }
        let manifest = Manifest([
            .init(path: "adapter_config.json", digest: configBlob.digest, size: configBlob.size),
            .init(path: "adapter_model.safetensors", digest: weights.digest, size: weights.size),
        ] + shippedEntries)
        let draft = NewAdapter(
            name: name, baseID: base.id, manifestDigest: manifest.digest.description,
            peftType: config.peftType.rawValue, r: config.r, loraAlpha: config.loraAlpha,
            useRslora: config.useRslora, useDora: config.useDora,
            targetModules: config.json["target_modules"] ?? .null,
            rankPattern: config.json["rank_pattern"] ?? .object([:]),
            alphaPattern: config.json["alpha_pattern"] ?? .object([:]),
            config: .object(config.json),
            summary: checked.analysis.summaryJSON,
            totalSize: manifest.totalSize, source: source)
        let files = manifest.entries.map { FileEntry(path: $0.path, digest: $0.digest.description, size: $0.size) }
        do {
            let (record, created) = try writableCatalog().registerAdapter(draft, files: files)
            var notes = (dir.skippedStoresNote.map { [$0] } ?? []) + checked.analysis.notes
            if shipped.isEmpty, let resized = checked.analysis.replacements.first(where: \.resized) {
                notes.append(
                    "\(resized.target) has a resized vocabulary (\(resized.shape.first ?? 0) rows) but the directory has no tokenizer files: builds keep the base's tokenizer")
            }
            if !shipped.isEmpty {
                notes.append("registered \(shipped.map(\.name).joined(separator: ", ")) with the adapter: builds use them instead of the base's")
            }
            return AdapterRegistration(record: record, created: created, notes: notes)
        } catch {
            throw RegistryError(error)
        }
    }

    /// Parses, validates against `base` and scans an adapter weights file; returns its digest and analysis.
    ///
    /// Refusals name `shown` (the weights file), or `configShown` when a config field is at fault.
    func checkAdapterWeights(path: String, shown: String, configShown: String, config: AdapterConfig, base: BaseModel) throws(RegistryError)
        -> (digest: Digest, analysis: AdapterAnalysis)
    {
        let file: SafetensorsFile
        do {
            file = try SafetensorsFile(path: path)
        } catch {
            throw .invalid("\(shown): \(error)")
        }
        defer { file.close() }
        let descriptors = file.header.tensors.map { TensorDescriptor(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape) }
        let analysis: AdapterAnalysis
        do {
            analysis = try AdapterAnalysis(config: config, tensors: descriptors, base: base)
        } catch {
            // Merge names the config file when one of its fields is the culprit (a regex, a selection).
            let prefix = "adapter_config.json"
            if error.message.hasPrefix(prefix) { throw .invalid(configShown + error.message.dropFirst(prefix.count)) }
            throw .invalid("\(shown): \(error.message)")
        }
        for t in file.header.tensors {
            if let i = Conversion.firstNonFinite(file.bytes(of: t), dtype: t.dtype.rawValue) {
                throw .invalid("\(shown): tensor \"\(t.name)\" holds NaN or Inf (element \(i)); refusing to merge it")
            }
        }
        return (Digest(hashing: file.fileBytes), analysis)
    }

    /// The base an adapter is registered against: `explicit`, else the base its config's
    /// `base_model_name_or_path` names (``resolveNamedBase(_:catalog:shown:)``).
    func resolveBase(for config: AdapterConfig, explicit: Reference?, catalog: (any CatalogStore)?, directory: String) throws(RegistryError) -> BaseRecord {
        if let explicit {
            guard let catalog, let base = try lookupBase(explicit, catalog) else {
                throw .notFound("base \(explicit) is not registered")
            }
            return base
        }
        guard let named = config.baseModelNameOrPath, !named.isEmpty else {
            throw .invalid("\(directory)/adapter_config.json names no base_model_name_or_path; pass --base NAME")
        }
        return try resolveNamedBase(named, catalog: catalog, shown: "\(directory)/adapter_config.json")
    }

    func lookupBase(_ reference: Reference, _ catalog: any CatalogStore) throws(RegistryError) -> BaseRecord? {
        do {
            return try catalog.base(name: reference.name, version: reference.version)
        } catch {
            throw RegistryError(error)
        }
    }
}
