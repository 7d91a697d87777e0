import BlobStore
import LoomCore
import Foundation
import LoomFaults
import LoomJSON
import Merge
import Safetensors

/// loom's version, recorded in every artifact's provenance.
public enum LoomVersion {
    public static let current = "0.1.0"
}

extension Registry {
    /// Resolves a request to digests: the base, the weighted adapters and the output dtype.
    func resolve(_ request: BuildRequest, catalog: any CatalogStore) throws(RegistryError) -> BuildRecipe {
        do {
            switch request.target {
            case .named(let reference):
                if let recipe = try namedRecipe(reference, catalog: catalog, dtype: request.dtype) {
                    guard request.combine.isLinear else {
                        throw RegistryError.invalid("\(reference) is a recipe, which stores its own combination; give --combine to `loom recipe add`, not to the build")
                    }
                    guard request.qlora == nil else {
                        throw RegistryError.invalid("\(reference) is a recipe, which stores its own options; give --qlora to `loom recipe add`, not to the build")
                    }
                    return recipe
                }
                guard let adapter = try catalog.adapter(name: reference.name, version: reference.version) else {
                    throw RegistryError.notFound("no recipe or adapter named \(reference) is registered" + whyMissing(reference, catalog: catalog))
                }
                guard let base = try catalog.base(id: adapter.baseID) else {
                    throw RegistryError.internal("adapter \(adapter.reference) has no base row")
                }
                return BuildRecipe(
                    base: base, inputs: [.init(adapter: adapter, weight: 1, asked: reference.description)],
                    dtype: try request.dtype ?? defaultDType(base), dtypeAsked: request.dtype, combine: request.combine, qlora: request.qlora)
            case .explicit(let baseReference, let adapters):
                guard !adapters.isEmpty else { throw RegistryError.invalid("a build needs at least one --adapter") }
                var inputs: [BuildRecipe.Input] = []
                for a in adapters {
                    guard let record = try catalog.adapter(name: a.reference.name, version: a.reference.version) else {
                        throw RegistryError.notFound("adapter \(a.reference) is not registered" + whyMissing(a.reference, catalog: catalog))
                    }
                    inputs.append(.init(adapter: record, weight: a.weight, asked: a.description))
                }
                try BuildRecipe.checkDistinct(inputs)
                let base: BaseRecord
                if let baseReference {
                    guard let b = try catalog.base(name: baseReference.name, version: baseReference.version) else {
                        throw RegistryError.notFound("base \(baseReference) is not registered" + whyMissing(baseReference, catalog: catalog))
                    }
                    base = b
                } else {
                    let ids = Set(inputs.map(\.adapter.baseID))
                    guard ids.count == 1, let id = ids.first, let b = try catalog.base(id: id) else {
                        throw RegistryError.invalid("the adapters were registered on different bases; pass --base NAME")
                    }
                    base = b
                }
                return BuildRecipe(
                    base: base, inputs: inputs, dtype: try request.dtype ?? defaultDType(base),
                    baseAsked: baseReference?.description, dtypeAsked: request.dtype, combine: request.combine,
                    qlora: request.qlora)
            }
        } catch {
            throw RegistryError(error)
        }
    }

    func defaultDType(_ base: BaseRecord) throws(RegistryError) -> ModelDType {
        guard let d = ModelDType(rawValue: base.dtype) else {
            throw .invalid("base \(base.name)@\(base.version) is stored as \(base.dtype); pass --dtype f32, f16 or bf16")
        }
        return d
    }

    /// A resolved recipe made ready to merge: the plan, the base as loaded from the catalog, the
    /// adapters' mmapped weights (indexed like the recipe's inputs), and every input blob in the order the
    /// merge reads them (adapters, then the base's files). The caller must call ``close()``.
    struct PreparedBuild {
        let plan: MergePlan
        let base: LoadedBase
        let adapters: [SafetensorsFile]
        let inputs: [InputVerifier.Input]
        /// The files the adapters ship (``AdapterFiles``), which replace or join the base's in the output.
        let shipped: [Manifest.Entry]
        /// What the build says about them.
        let shippedNotes: [String]

        func close() { for f in adapters { f.close() } }
    }

    /// Validates every adapter of `recipe` against its base and combines them into a plan.
    ///
    /// - Throws: ``RegistryError`` `.invalid` naming the adapter that does not apply or the combination
    ///   that cannot be built.
    func prepare(_ recipe: BuildRecipe, catalog: any CatalogStore) throws(RegistryError) -> PreparedBuild {
        let base = recipe.base
        let loaded = try BaseModelLoader(registry: self).load(base, catalog: catalog)
        let model = loaded.model
        var opened: [SafetensorsFile] = []
        var planInputs: [MergePlan.Input] = []
        var checks: [InputVerifier.Input] = []
        var shipped: [(adapter: AdapterRecord, files: [FileEntry])] = []
        do {
            for input in recipe.inputs {
                let (adapterConfig, weights, files) = try openAdapter(input.adapter, catalog: catalog)
                opened.append(weights)
                shipped.append((input.adapter, files))
                checks += try Self.verifierInputs(files, owner: "adapter \(input.adapter.reference)")
                let descriptors = weights.header.tensors.map { TensorDescriptor(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape) }
                do {
                    let analysis = try AdapterAnalysis(config: adapterConfig, tensors: descriptors, base: model)
                    planInputs.append(.init(
                        analysis: analysis, weight: input.weight, digest: input.adapter.manifestDigest, name: input.adapter.reference))
                } catch {
                    throw RegistryError.invalid("adapter \(input.adapter.reference) does not apply to base \(base.name)@\(base.version): \(error.message)")
                }
            }
            checks += try Self.verifierInputs(loaded.files, owner: "base \(base.reference)")
            let (entries, notes) = try Self.shippedFiles(shipped, baseFiles: loaded.files)
            do {
                let plan = try MergePlan(base: model, inputs: planInputs, combine: recipe.combine, qlora: recipe.qlora)
                return PreparedBuild(plan: plan, base: loaded, adapters: opened, inputs: checks, shipped: entries, shippedNotes: notes)
            } catch {
                throw RegistryError.invalid("cannot build \(recipe.inputs.map(\.asked).joined(separator: " + ")): \(error.message)")
            }
        } catch {
            for f in opened { f.close() }
            throw RegistryError(error)
        }
    }

    /// The merge plan of `recipe` (validation only: nothing is written).
    func plan(_ recipe: BuildRecipe, catalog: any CatalogStore) throws(RegistryError) -> MergePlan {
        let prepared = try prepare(recipe, catalog: catalog)
        prepared.close()
        return prepared.plan
    }

    /// Writes every output file of a resolved recipe into `store`: merged and converted shards, a
    /// rewritten config.json and index when they change, base blobs reused as they are. Reads base and
    /// adapter blobs from the registry's store; calls `renewLease` after every shard.
    ///
    /// Every input blob is rehashed meanwhile (``InputVerifier``), and so is every output the registry's
    /// store already had; this returns only once all of them matched their digests.
    ///
    /// - Returns: the manifest entries, sorted by path, the merge plan, and the status of each blob that
    ///   was rehashed and found intact (reused and pre-existing ones; not those this call wrote), and the
    ///   build's notes (the plan's, then which files the adapters ship).
    /// - Throws: ``RegistryError``, `.io` naming a corrupt or missing input blob and whose file it is;
    ///   blobs already written to `store` stay there unreferenced.
    func writeMerged(
        _ recipe: BuildRecipe, key: Digest, catalog: any CatalogStore, into store: any BlobIngester, progress: any ProgressSink,
        renewLease: () throws(RegistryError) -> Void
    ) throws(RegistryError) -> (entries: [Manifest.Entry], plan: MergePlan, checked: [Digest: BlobFileStatus], notes: [String]) {
        let base = recipe.base
        let prepared = try prepare(recipe, catalog: catalog)
        defer { prepared.close() }
        let verifier = InputVerifier(store: blobs, inputs: prepared.inputs)
        defer { verifier.cancel() }
        let plan = prepared.plan
        let adaptersJSON = JSONWriter.canonical.string(recipe.canonical["adapters"] ?? .array([]))
        let metadata = [
            ("format", "pt"), ("loom.key", key.description), ("loom.base", base.manifestDigest),
            ("loom.adapters", adaptersJSON), ("loom.dtype", recipe.dtype.rawValue), ("loom.engine", MergePlan.engineVersion),
        ] + (recipe.combine.isLinear ? [] : [("loom.combine", JSONWriter.canonical.string(recipe.combine.json))])
            + (recipe.qlora.map { [("loom.qlora", JSONWriter.canonical.string($0.json))] } ?? [])
        var writer = ArtifactWriter(
            registry: self, store: store, base: prepared.base, plan: plan, adapters: prepared.adapters, dtype: recipe.dtype,
            metadata: metadata)
        let entries = Self.overlay(try writer.write(progress: progress, renewLease: renewLease), with: prepared.shipped)
        // A rebuild's outputs go to a scratch store: only outputs found in the registry's own are inputs too.
        let existing = (store as AnyObject) === (blobs as AnyObject) ? writer.existingOutputs : []
        for output in existing {
            verifier.add(.init(digest: output.digest, size: output.size, owner: "output \(Names.quoted(output.path)) (already in the store)"))
        }
        do {
            let checked = try verifier.finish()
            return (entries, plan, checked, plan.notes + prepared.shippedNotes)
        } catch {
            if try discardCorruptOutputs(existing, catalog: catalog) {
                throw .io(error.message + "; the corrupt output was removed: run the build again")
            }
            throw error
        }
    }

    /// Removes the outputs the store already had whose blob is corrupt (dropping any artifact holding
    /// one, as a cache hit does), so that the next build writes them anew. Returns whether any was.
    private func discardCorruptOutputs(_ outputs: [Manifest.Entry], catalog: any CatalogStore) throws(RegistryError) -> Bool {
        var any = false
        for output in outputs {
            do {
                guard let result = try blobs.check(output.digest, size: nil), let status = result.status, result.outcome != .ok else { continue }
                _ = try dropCorrupt(output, finding: result.outcome.finding(for: output.digest) ?? "", checked: status, catalog: catalog)
                any = true
            } catch {
                throw RegistryError(error)
            }
        }
        return any
    }

    /// The verifier's inputs for a base's or adapter's file rows.
    static func verifierInputs(_ files: [FileEntry], owner: String) throws(RegistryError) -> [InputVerifier.Input] {
        var inputs: [InputVerifier.Input] = []
        for file in files {
            guard let digest = Digest(parsing: file.digest) else { throw .internal("bad digest \(file.digest) in \(owner)") }
            inputs.append(.init(digest: digest, size: file.size, owner: "\(owner) file \(Names.quoted(file.path))"))
        }
        return inputs
    }

    /// Runs the merge for a resolved recipe under its lease and commits the artifact.
    func merge(
        _ recipe: BuildRecipe, key: Digest, catalog: any CatalogStore, leaseName: String, waited: Bool, progress: any ProgressSink
    ) throws(RegistryError) -> BuildResult {
        let started = clock()
        let (entries, _, checked, notes) = try writeMerged(recipe, key: key, catalog: catalog, into: blobs, progress: progress) {
            () throws(RegistryError) in
            do {
                try catalog.renewLease(name: leaseName, ttl: Self.buildLeaseTTL)
            } catch {
                throw RegistryError(error)
            }
        }
        let finished = clock()
        let base = recipe.base
        Fault.point("build.before-commit")
        let manifest = Manifest(entries)
        let provenance = provenanceJSON(recipe, key: key, notes: notes, manifest: manifest, started: started, finished: finished)
        let stats = blobStats(manifest.entries, checked: checked)
        let record: ArtifactRecord
        do {
            (record, _) = try catalog.insertArtifact(
                NewArtifact(
                    key: key.description, recipe: recipe.canonical, baseDigest: base.manifestDigest, dtype: recipe.dtype.rawValue,
                    engineVersion: MergePlan.engineVersion, totalSize: manifest.totalSize, provenance: provenance),
                inputs: recipe.canonicalInputs.enumerated().map {
                    ArtifactInput(position: $0.offset, adapterDigest: $0.element.adapter.manifestDigest, weight: $0.element.weight)
                },
                files: manifest.entries.map { FileEntry(path: $0.path, digest: $0.digest.description, size: $0.size) },
                blobStats: stats)
        } catch {
            throw RegistryError(error)
        }
        Fault.point("build.after-commit")
        let path = try Materializer(registry: self).materialize(key, files: manifest.entries)
        return BuildResult(path: path, artifact: record, cached: false, waited: waited, notes: notes)
    }

    /// The stats to record with a new artifact's files: those taken while rehashing the blobs it reuses,
    /// and a fresh `stat` of the blobs this build wrote (hashed as they were written).
    func blobStats(_ entries: [Manifest.Entry], checked: [Digest: BlobFileStatus]) -> [String: BlobStat] {
        var stats: [String: BlobStat] = [:]
        for entry in entries {
            guard let status = checked[entry.digest] ?? blobs.status(of: entry.digest) else { continue }
            stats[entry.digest.description] = BlobStat(status)
        }
        return stats
    }

    /// An adapter's parsed config, its mmapped weights and its file rows, from the store.
    func openAdapter(_ adapter: AdapterRecord, catalog: any CatalogStore) throws(RegistryError) -> (AdapterConfig, SafetensorsFile, [FileEntry]) {
        let files: [FileEntry]
        do {
            files = try Self.checkedFiles(
                catalog.adapterFiles(adapterID: adapter.id), manifestDigest: adapter.manifestDigest, of: "adapter \(adapter.reference)")
        } catch {
            throw RegistryError(error)
        }
        guard let configEntry = files.first(where: { $0.path == "adapter_config.json" }), let configDigest = Digest(parsing: configEntry.digest),
            let weightsEntry = files.first(where: { $0.path == "adapter_model.safetensors" }),
            let weightsDigest = Digest(parsing: weightsEntry.digest)
        else { throw .internal("adapter \(adapter.reference) has an incomplete manifest") }
        let bytes = try readSmallFile(blobs.path(of: configDigest), shown: "adapter_config.json of \(adapter.reference)")
        do {
            let config = try AdapterConfig.parse(bytes)
            let weights = try SafetensorsFile(path: blobs.path(of: weightsDigest))
            return (config, weights, files)
        } catch {
            throw .io("cannot open adapter \(adapter.reference) from the store: \(error) (run `loom verify`)")
        }
    }

    func provenanceJSON(
        _ recipe: BuildRecipe, key: Digest, notes: [String], manifest: Manifest, started: Date, finished: Date
    ) -> JSONValue {
        var o = JSONObject()
        o["key"] = .string(key.description)
        o["asked"] = recipe.asked
        o["recipe"] = recipe.canonical
        o["base"] = .object([
            "name": .string(recipe.base.name), "version": .int(recipe.base.version), "digest": .string(recipe.base.manifestDigest),
            "architecture": recipe.base.architecture.map { .string($0) } ?? .null,
            "model_type": recipe.base.modelType.map { .string($0) } ?? .null, "dtype": .string(recipe.base.dtype),
        ])
        o["adapters"] = .array(recipe.inputs.map { i in
            let a = i.adapter
            return .object([
                "name": .string(a.name), "version": .int(a.version), "digest": .string(a.manifestDigest), "weight": .double(i.weight),
                "peft_type": .string(a.peftType), "r": a.r.map { .int($0) } ?? .null,
                "lora_alpha": a.loraAlpha.map { .double($0) } ?? .null, "use_rslora": .bool(a.useRslora), "use_dora": .bool(a.useDora),
                "target_modules": a.targetModules, "rank_pattern": a.rankPattern, "alpha_pattern": a.alphaPattern,
            ])
        })
        o["dtype"] = .string(recipe.dtype.rawValue)
        o["combine"] = recipe.combine.json
        if let qlora = recipe.qlora { o["qlora"] = qlora.json }
        o["engine_version"] = .string(MergePlan.engineVersion)
        o["loom_version"] = .string(LoomVersion.current)
        o["host"] = .string(Self.hostName)
        o["user"] = .string(ProcessInfo.processInfo.environment["USER"] ?? NSUserName())
        o["pid"] = .int(Int(getpid()))
        o["started_at"] = .string(Timestamps.iso(started))
        o["finished_at"] = .string(Timestamps.iso(finished))
        o["files"] = .array(manifest.entries.map { .object(["path": .string($0.path), "digest": .string($0.digest.description), "size": .int($0.size)]) })
        o["notes"] = .array(notes.map { .string($0) })
        return .object(o)
    }
}
