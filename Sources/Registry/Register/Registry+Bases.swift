import BlobStore
package import LoomCore
import Foundation
import LoomJSON
import Merge
import Safetensors

/// The outcome of `base add`.
package struct BaseRegistration: Sendable {
    package var record: BaseRecord
    /// False when identical content was already registered under this name (nothing was written).
    package var created: Bool
    /// Files skipped and other things the user should know.
    package var notes: [String]
}

extension Registry {
    /// File extensions of alternative weight formats that a safetensors base does not need.
    static let skippedWeightExtensions = [".bin", ".pt", ".pth", ".ckpt", ".pkl", ".pickle", ".h5", ".msgpack", ".onnx", ".gguf", ".ot"]

    /// Registers the Hugging Face model directory at `directory` as a new version of base `name`.
    ///
    /// Validates everything before storing anything (docs/architecture.md "register base"): the symlink rule,
    /// every safetensors header, the shard index, config.json. Then copies and hashes each file into the
    /// store in one pass, and records base, files, tensors and an event in one catalog transaction.
    /// Idempotent: registering identical content under the same name again changes nothing, except
    /// that new `aliases` are added and a version recorded without a Hub id gets this one.
    ///
    /// The Hugging Face id recorded is `hfID`, else the one the directory's path names when it is a cache
    /// snapshot (`…/models--ORG--NAME/snapshots/REV`); adapters whose `base_model_name_or_path` is that
    /// id or path then find the base (``resolveBase(for:explicit:catalog:directory:)``).
    ///
    /// - Throws: ``RegistryError`` (`.conflict` when `name` is an adapter's or an alias, or an alias is
    ///   taken); a refused directory leaves the store as it was. A failure after files were copied leaves
    ///   only unreferenced blobs, which gc collects.
    package func registerBase(
        directory: String, name: String, hfID: HubID? = nil, aliases: [String] = [], progress: any ProgressSink = SilentProgress()
    ) throws(RegistryError) -> BaseRegistration {
        try Names.validate(name)
        try refuseNameOfAnotherKind(name, registering: .base)
        try refuseTakenAliases(aliases, for: name)
        let dir = try ModelDirectory(directory, store: root, layout: blobs)
        var notes: [String] = dir.skippedStoresNote.map { [$0] } ?? []
        let hub = hfID ?? HubID.fromSnapshotPath(dir.path)
        if hfID == nil, let hub { notes.append("recorded Hugging Face id \(hub) (from the snapshot path)") }
        let plan = try BaseFiles(dir, notes: &notes)

        // Validate every header before writing anything.
        var headers: [String: SafetensorsHeader] = [:]
        var tensorCount = 0
        for shard in plan.shards {
            let header = try readHeader(shard.resolvedPath, shown: directory + "/" + shard.relativePath)
            tensorCount += header.tensors.count
            // Checked shard by shard, so that memory stays bounded by the limit, not by the shard count.
            guard tensorCount <= SafetensorsHeader.maxTensors else {
                throw .invalid("\(directory) has more than \(SafetensorsHeader.maxTensors) tensors in its shards (loom's limit per model)")
            }
            headers[shard.relativePath] = header
        }
        if let (indexFile, index) = plan.index {
            do {
                try index.validate(
                    shardTensors: headers.mapValues { $0.tensors.map(\.name) },
                    existingFiles: Set(plan.shards.map(\.relativePath)))
            } catch {
                throw .invalid("\(directory)/\(indexFile.relativePath): \(error)")
            }
        }
        let configBytes = try readSmallFile(plan.config.resolvedPath, shown: directory + "/config.json")
        let config = try parseConfig(configBytes, shown: directory + "/config.json")

        return try withIngestLease { () throws(RegistryError) in
            try storeBase(
                dir: dir, directory: directory, name: name, hub: hub, aliases: aliases, plan: plan, headers: headers, configBytes: configBytes,
                config: config, notes: notes, progress: progress)
        }
    }

    /// The writing half of ``registerBase(directory:name:progress:)``, under an ingest lease.
    private func storeBase(
        dir: ModelDirectory, directory: String, name: String, hub: HubID?, aliases: [String], plan: BaseFiles, headers: [String: SafetensorsHeader],
        configBytes: [UInt8], config: JSONObject, notes: [String], progress: any ProgressSink
    ) throws(RegistryError) -> BaseRegistration {
        // Copy and hash, one pass per file.
        var entries: [Manifest.Entry] = []
        for file in plan.stored {
            let result: IngestResult
            do {
                progress.begin("hashing \(file.relativePath)", total: file.size)
                defer { progress.end() }
                result = try blobs.ingest(
                    contentsOf: file.resolvedPath, expecting: nil, identity: file.identity, progress: { progress.advance(to: $0) })
            } catch let error as BlobStoreError where error.kind == .invalid {
                throw .invalid("\(directory)/\(file.relativePath) changed while it was being registered; try again (\(error))")
            } catch {
                throw .io("cannot store \(directory)/\(file.relativePath): \(error)")
            }
            entries.append(.init(path: file.relativePath, digest: result.digest, size: result.size))
        }
        // The store's copy is what counts: re-read headers from the immutable blobs, so a file that
        // changed while it was copied is caught.
        let digests = Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0.digest) })
        var tensors: [TensorEntry] = []
        for shard in plan.shards {
            guard let digest = digests[shard.relativePath] else { continue }
            let stored = try readHeader(blobs.path(of: digest), shown: shard.relativePath)
            guard stored == headers[shard.relativePath] else {
                throw .invalid("\(directory)/\(shard.relativePath) changed while it was being registered; try again")
            }
            for (position, t) in stored.tensors.enumerated() {
                tensors.append(TensorEntry(name: t.name, dtype: t.dtype.rawValue, shape: t.shape, path: shard.relativePath, position: position))
            }
        }
        if let configDigest = digests["config.json"], Digest(hashing: configBytes) != configDigest {
            throw .invalid("\(directory)/config.json changed while it was being registered; try again")
        }

        let manifest = Manifest(entries)
        let allTensors = plan.shards.flatMap { headers[$0.relativePath]?.tensors ?? [] }
        let draft = NewBase(
            name: name,
            manifestDigest: manifest.digest.description,
            architecture: config["architectures"]?.arrayValue?.first?.stringValue,
            modelType: config["model_type"]?.stringValue,
            dtype: Self.dominantDType(allTensors),
            parameterCount: Int64(allTensors.reduce(0) { $0 + $1.elementCount }),
            totalSize: manifest.totalSize,
            tieWordEmbeddings: BaseModel(
                tensors: allTensors.map { TensorDescriptor(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape) }, config: config
            ).headIsTied,
            source: dir.path, hfRepo: hub?.repo, hfRevision: hub?.revision, aliases: aliases)
        let files = manifest.entries.map { FileEntry(path: $0.path, digest: $0.digest.description, size: $0.size) }
        do {
            let (record, created) = try writableCatalog().registerBase(draft, files: files, tensors: tensors)
            return BaseRegistration(record: record, created: created, notes: notes)
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(error)
        }
    }

    /// Refuses `name` when it is registered as another kind, before anything is stored, so that the
    /// refusal leaves the blobs as they were (the catalog checks again in its transaction).
    ///
    /// - Throws: ``RegistryError`` `.conflict` naming the name and what it is.
    func refuseNameOfAnotherKind(_ name: String, registering kind: NameKind) throws(RegistryError) {
        guard let catalog = try existingCatalog() else { return }
        let existing: NameKind?
        do {
            existing = try catalog.nameKind(name)
        } catch {
            throw RegistryError(error)
        }
        if let existing, existing != kind {
            throw .conflict("name \"\(name)\" is already \(existing == .base ? "a base" : "an adapter"); names are unique across bases and adapters")
        }
        let target: String?
        do {
            target = try catalog.baseAliases().first { $0.alias == name }?.name
        } catch {
            throw RegistryError(error)
        }
        if let target { throw .conflict("name \"\(name)\" is already an alias of base \"\(target)\"; names are unique across kinds") }
    }

    /// Refuses, before anything is stored, an alias that is not a valid name or is taken by anything
    /// but base `name`'s own alias (the catalog checks again in its transaction).
    func refuseTakenAliases(_ aliases: [String], for name: String) throws(RegistryError) {
        for alias in aliases { try Names.validate(alias) }
        guard !aliases.isEmpty, let catalog = try existingCatalog() else { return }
        do {
            let taken = Dictionary(try catalog.baseAliases().map { ($0.alias, $0.name) }, uniquingKeysWith: { a, _ in a })
            for alias in aliases {
                if let target = taken[alias] {
                    guard target == name else { throw RegistryError.conflict("alias \"\(alias)\" already names base \"\(target)\"") }
                } else if alias == name {
                    throw RegistryError.invalid("alias \"\(alias)\" is the base's own name")
                } else if let kind = try catalog.nameKind(alias) {
                    throw RegistryError.conflict("alias \"\(alias)\" is already the name of \(kind == .base ? "a base" : kind == .adapter ? "an adapter" : "a recipe"); names are unique across kinds")
                }
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(error)
        }
    }

    /// The floating dtype holding most bytes (`bf16`, `f16`, `f32`), or the safetensors name of the
    /// dtype holding most bytes when no float dtype does.
    static func dominantDType(_ tensors: [TensorInfo]) -> String {
        var bytes: [DType: Int] = [:]
        for t in tensors { bytes[t.dtype, default: 0] += t.byteCount }
        let floats = bytes.filter { ModelDType(storage: $0.key) != nil }
        if let top = floats.max(by: { ($0.value, $0.key.rawValue) < ($1.value, $1.key.rawValue) }), let d = ModelDType(storage: top.key) {
            return d.rawValue
        }
        return bytes.max(by: { ($0.value, $0.key.rawValue) < ($1.value, $1.key.rawValue) })?.key.rawValue ?? "F32"
    }

    func readHeader(_ path: String, shown: String) throws(RegistryError) -> SafetensorsHeader {
        do {
            return try SafetensorsFile.readHeader(atPath: path)
        } catch {
            throw .invalid("\(shown): \(error)")
        }
    }

    func parseConfig(_ bytes: [UInt8], shown: String) throws(RegistryError) -> JSONObject {
        do {
            guard let object = try JSONParser().parse(bytes).objectValue else {
                throw RegistryError.invalid("\(shown) is not a JSON object")
            }
            return object
        } catch let error as RegistryError {
            throw error
        } catch {
            throw .invalid("\(shown) is not valid JSON: \(error)")
        }
    }

    /// Reads a small file (a config or an index) whole; refuses files over 64 MiB.
    func readSmallFile(_ path: String, shown: String) throws(RegistryError) -> [UInt8] {
        try Self.readSmallFile(path, shown: shown)
    }

    /// Reads a small file (a config or an index) whole, reading at most 64 MiB + 1 bytes of it.
    ///
    /// - Throws: ``RegistryError`` `.io` when it cannot be read, `.invalid` naming `shown` when it is
    ///   not a regular file (``openRegularFile(_:shown:)``) or larger than 64 MiB.
    static func readSmallFile(_ path: String, shown: String) throws(RegistryError) -> [UInt8] {
        let handle = try openRegularFile(path, shown: shown).handle
        defer { try? handle.close() }
        let limit = 64 << 20
        let data: Data
        do {
            data = try handle.read(upToCount: limit + 1) ?? Data()
        } catch {
            throw .io("cannot read \(shown): \(error.localizedDescription)")
        }
        guard data.count <= limit else { throw .invalid("\(shown) is larger than 64 MiB; refusing to parse it") }
        return [UInt8](data)
    }
}
