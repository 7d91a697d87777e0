import BlobStore
import LoomCore
import Foundation
import LoomJSON
import Merge
import Safetensors

/// Writes a merged checkpoint into the blob store, shard by shard, tensor by tensor.
///
/// Memory stays O(largest tensor) (in practice O(row block) except for column-axis DoRA): base shards
/// are mmapped and their pages dropped once used, each output shard streams through a `BlobWriter`
/// that hashes while it writes. Shards without a changed tensor and without a dtype change reuse the
/// base's blob untouched; non-weight files reuse their blobs, except config.json and the shard index
/// when they must change. One writer per build; not thread-safe.
struct ArtifactWriter {
    let registry: Registry
    /// Where output files go: the registry's store, or a scratch store for `verify --rebuild`.
    /// Base blobs are always read from the registry's store.
    let store: any BlobIngester
    let base: LoadedBase
    let plan: MergePlan
    let adapters: [SafetensorsFile]
    let dtype: ModelDType
    let metadata: [(String, String)]
    /// Base files opened so far, by path.
    private var opened: [String: SafetensorsFile] = [:]
    /// Outputs whose blob the store already had (their bytes on disk were not written by this build, so
    /// they are rehashed before the artifact is committed).
    private(set) var existingOutputs: [Manifest.Entry] = []
    /// The base's file and tensor rows by path and name (lookups per tensor stay O(1) on large models).
    private let fileByPath: [String: FileEntry]
    private let tensorByName: [String: TensorEntry]

    init(
        registry: Registry, store: any BlobIngester, base: LoadedBase, plan: MergePlan, adapters: [SafetensorsFile],
        dtype: ModelDType, metadata: [(String, String)]
    ) {
        self.registry = registry
        self.store = store
        self.base = base
        fileByPath = Dictionary(base.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        tensorByName = Dictionary(base.tensors.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        self.plan = plan
        self.adapters = adapters
        self.dtype = dtype
        self.metadata = metadata
    }

    /// Writes every output file; returns the manifest entries (path, blob, size), sorted by path.
    ///
    /// - Throws: ``RegistryError`` naming the tensor for non-finite results; blobs already written
    ///   stay unreferenced until gc.
    mutating func write(progress: any ProgressSink, renewLease: () throws(RegistryError) -> Void) throws(RegistryError) -> [Manifest.Entry] {
        defer { for f in opened.values { f.close() } }
        var entries: [Manifest.Entry] = []
        var outputTensors: [(name: String, file: String, bytes: Int)] = []
        let tensorsByFile = Dictionary(grouping: base.tensors, by: \.path)
        var indexFile: FileEntry?
        for file in base.files {
            guard let digest = Digest(parsing: file.digest) else { throw .internal("bad digest \(file.digest) in the catalog") }
            if let shardTensors = tensorsByFile[file.path] {
                let (entry, tensors) = try writeShard(file, digest: digest, tensors: shardTensors, progress: progress)
                entries.append(entry)
                outputTensors += tensors.map { ($0.name, file.path, $0.bytes) }
                try renewLease()
            } else if file.path.hasSuffix(".safetensors.index.json") {
                indexFile = file
            } else if file.path == "config.json" {
                entries.append(try writeConfig(file, digest: digest))
            } else {
                entries.append(.init(path: file.path, digest: digest, size: file.size))
            }
        }
        if let indexFile, let digest = Digest(parsing: indexFile.digest) {
            entries.append(try writeIndex(indexFile, digest: digest, tensors: outputTensors))
        }
        return entries.sorted { $0.path < $1.path }
    }

    /// The dtype a base tensor is written in: floats become the output dtype, others stay as they are.
    func outputDType(_ stored: String) -> String {
        ["F32", "F16", "BF16", "F64"].contains(stored) ? dtype.storage.rawValue : stored
    }

    mutating func baseFile(_ path: String) throws(RegistryError) -> SafetensorsFile {
        if let f = opened[path] { return f }
        guard let entry = fileByPath[path], let digest = Digest(parsing: entry.digest) else {
            throw .internal("base file \(path) is not in the manifest")
        }
        do {
            let f = try SafetensorsFile(path: registry.blobs.path(of: digest))
            f.adviseSequential()
            opened[path] = f
            return f
        } catch {
            throw .io("cannot open base file \(path) (blob \(digest)): \(error)")
        }
    }

    private mutating func writeShard(
        _ file: FileEntry, digest: Digest, tensors: [TensorEntry], progress: any ProgressSink
    ) throws(RegistryError) -> (Manifest.Entry, [(name: String, bytes: Int)]) {
        let ordered = tensors.sorted { $0.position < $1.position }
        let names = Set(ordered.map(\.name))
        let added = plan.added.filter { names.contains($0.joins) }.compactMap { plan.tensors[$0.name] }
        var outputs: [(name: String, dtype: String, shape: [Int], plan: TensorPlan?, stored: TensorEntry?)] =
            ordered.map { t in (t.name, outputDType(t.dtype), plan.tensors[t.name]?.shape ?? t.shape, plan.tensors[t.name], t) }
        outputs += added.map { p in (p.name, dtype.storage.rawValue, p.shape, p, nil) }
        let unchanged = added.isEmpty && outputs.allSatisfy { $0.plan == nil && $0.dtype == $0.stored?.dtype }
        if unchanged {
            return (.init(path: file.path, digest: digest, size: file.size),
                    outputs.map { ($0.name, Self.byteCount($0.dtype, $0.shape)) })
        }
        let layout: SafetensorsLayout
        do {
            layout = try SafetensorsLayout(
                tensors: outputs.map { (name: $0.name, dtype: DType(rawValue: $0.dtype) ?? .f32, shape: $0.shape) },
                metadata: metadata)
        } catch {
            throw .internal("cannot lay out \(file.path): \(error)")
        }
        let source = try baseFile(file.path)
        var sink = try ShardSink(store: store, label: file.path, total: Int64(layout.fileSize), progress: progress)
        defer { sink.abortIfOpen() }
        try sink.write(layout.headerBytes)
        for output in outputs {
            if let tensorPlan = output.plan {
                try writeComputed(tensorPlan, dtype: output.dtype, into: &sink)
            } else if let stored = output.stored, let info = source.header.tensor(named: stored.name) {
                do {
                    try TensorStreamer.copy(source.bytes(of: info), from: stored.dtype, to: output.dtype, name: stored.name, into: &sink)
                } catch {
                    throw RegistryError(error)
                }
                source.dropPages(of: info)
            }
        }
        let result = try sink.commit()
        if result.existed { existingOutputs.append(.init(path: file.path, digest: result.digest, size: result.size)) }
        return (.init(path: file.path, digest: result.digest, size: result.size),
                outputs.map { ($0.name, Self.byteCount($0.dtype, $0.shape)) })
    }

    static func byteCount(_ dtype: String, _ shape: [Int]) -> Int {
        (DType(rawValue: dtype)?.byteSize ?? 1) * shape.reduce(1, *)
    }

    private mutating func writeComputed(_ tensorPlan: TensorPlan, dtype out: String, into sink: inout ShardSink) throws(RegistryError) {
        let sourceBytes: UnsafeRawBufferPointer
        let sourceDType: String
        var dropAfter: (SafetensorsFile, TensorInfo)?
        defer { if let (f, info) = dropAfter { f.dropPages(of: info) } }
        switch tensorPlan.source {
        case .base(let name):
            guard let entry = tensorByName[name] else { throw .internal("base tensor \(name) is not indexed") }
            let f = try baseFile(entry.path)
            guard let info = f.header.tensor(named: name) else { throw .internal("base tensor \(name) is not in \(entry.path)") }
            sourceBytes = f.bytes(of: info)
            sourceDType = info.dtype.rawValue
            // Mapped pages count as resident memory: release them once this tensor is written.
            dropAfter = (f, info)
        case .adapter(let index, let key):
            guard let info = adapters[index].header.tensor(named: key) else { throw .internal("adapter tensor \(key) is missing") }
            sourceBytes = adapters[index].bytes(of: info)
            sourceDType = info.dtype.rawValue
        }
        let adapters = self.adapters
        let computation: TensorComputation
        do {
            computation = try TensorComputation(plan: tensorPlan) { index, key in
                guard let info = adapters[index].header.tensor(named: key) else {
                    throw MergeError(.invalid, "adapter tensor \(key) is missing")
                }
                return (adapters[index].bytes(of: info), info.dtype.rawValue)
            }
        } catch {
            throw RegistryError(error)
        }
        // The factors are copied into the computation: their mapped pages need not stay resident.
        for term in tensorPlan.lowRank {
            for key in [term.aKey, term.bKey] {
                if let info = adapters[term.adapter].header.tensor(named: key) { adapters[term.adapter].dropPages(of: info) }
            }
        }
        do {
            guard let options = tensorPlan.quantize else {
                try TensorStreamer.compute(computation, source: sourceBytes, sourceDType: sourceDType, outputDType: out, into: &sink)
                return
            }
            // W0 is the base as the QLoRA adapter saw it: the NF4 round trip, already in the output dtype.
            let w0 = try NF4RoundTrip.roundTrip(sourceBytes, dtype: sourceDType, shape: tensorPlan.shape, to: out, options: options)
            try w0.withUnsafeBytes { bytes in
                try TensorStreamer.compute(computation, source: bytes, sourceDType: out, outputDType: out, into: &sink)
            }
        } catch {
            throw RegistryError(error)
        }
    }

    /// config.json with the output dtype, and `tie_word_embeddings: false` (and the vocabulary size) when
    /// the merge unties the head or resizes the vocabulary. Reuses the base blob when nothing changes.
    private mutating func writeConfig(_ file: FileEntry, digest: Digest) throws(RegistryError) -> Manifest.Entry {
        var config = base.config
        let dtypeKeys = ["torch_dtype", "dtype"].filter { config.contains($0) }
        for key in dtypeKeys.isEmpty ? ["torch_dtype"] : dtypeKeys { config[key] = .string(dtype.torchName) }
        if plan.untiesHead { config["tie_word_embeddings"] = .bool(false) }
        if let embedding = base.model.inputEmbedding, let vocabSize = base.model.vocabSize,
            let p = plan.tensors[embedding], p.shape.count == 2, p.shape[0] != vocabSize
        {
            config["vocab_size"] = .int(p.shape[0])
        }
        guard config != base.config else { return .init(path: file.path, digest: digest, size: file.size) }
        let bytes = JSONWriter(indent: 2).bytes(.object(config)) + [0x0A]
        do {
            let r = try store.ingest(bytes: bytes, expecting: nil)
            if r.existed { existingOutputs.append(.init(path: file.path, digest: r.digest, size: r.size)) }
            return .init(path: file.path, digest: r.digest, size: r.size)
        } catch {
            throw RegistryError(error)
        }
    }

    /// The shard index with every output tensor (added ones included) and the new total size.
    private mutating func writeIndex(_ file: FileEntry, digest: Digest, tensors: [(name: String, file: String, bytes: Int)]) throws(RegistryError)
        -> Manifest.Entry
    {
        let unchanged = plan.added.isEmpty && tensors.allSatisfy { t in
            tensorByName[t.name].map { Self.byteCount($0.dtype, $0.shape) == t.bytes } ?? false
        }
        if unchanged { return .init(path: file.path, digest: digest, size: file.size) }
        let bytes = ShardIndex.serialized(
            totalSize: tensors.reduce(0) { $0 + $1.bytes },
            weightMap: Dictionary(tensors.map { ($0.name, $0.file) }, uniquingKeysWith: { a, _ in a }))
        do {
            let r = try store.ingest(bytes: bytes, expecting: nil)
            if r.existed { existingOutputs.append(.init(path: file.path, digest: r.digest, size: r.size)) }
            return .init(path: file.path, digest: r.digest, size: r.size)
        } catch {
            throw RegistryError(error)
        }
    }
}
