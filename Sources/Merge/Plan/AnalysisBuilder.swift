import LoomJSON

/// The steps of ``AdapterAnalysis``'s validation, collecting every unaccounted key before refusing.
struct AnalysisBuilder {
    let config: AdapterConfig
    let base: BaseModel
    let matcher: ModuleMatcher

    var descriptors: [String: TensorDescriptor] = [:]
    /// Non-replacement keys grouped by module, in first-seen order.
    var groups: [(module: String, keys: [AdapterKey.Role: AdapterKey])] = []
    var groupIndex: [String: Int] = [:]
    var replacementKeys: [AdapterKey] = []

    var modules: [AdapterAnalysis.Module] = []
    var replacements: [AdapterAnalysis.Replacement] = []
    var untiesHead = false
    var notes: [String] = []
    /// Keys the config and base do not account for, with the reason.
    var unaccounted: [(key: String, reason: String)] = []

    init(config: AdapterConfig, base: BaseModel, matcher: ModuleMatcher) {
        self.config = config
        self.base = base
        self.matcher = matcher
    }

    mutating func classify(_ tensors: [TensorDescriptor]) throws(MergeError) {
        for t in tensors {
            descriptors[t.name] = t
            let key = try AdapterKey(t.name)
            if case .replacement = key.role {
                replacementKeys.append(key)
                continue
            }
            let i: Int
            if let existing = groupIndex[key.module] {
                i = existing
            } else {
                i = groups.count
                groupIndex[key.module] = i
                groups.append((key.module, [:]))
            }
            if let other = groups[i].keys[key.role] {
                throw .invalid("adapter keys \(MessageText.quoted(other.key)) and \(MessageText.quoted(t.name)) hold the same tensor of module \(MessageText.plain(key.module))")
            }
            groups[i].keys[key.role] = key
        }
    }

    /// The output tensor and the base tensor behind an adapter's name for a weight, or nil when the base lacks it.
    /// A tied checkpoint's missing `lm_head.weight` maps onto the input embedding.
    func locate(weightOf module: String, parameter: String = "weight") -> (target: String, source: String, tiedHead: Bool)? {
        let name = module + "." + parameter
        if module == BaseModel.headModule, parameter == "weight", base.headIsTied, let embedding = base.inputEmbedding {
            return (name, embedding, true)
        }
        guard let resolved = base.resolve(tensor: name) else { return nil }
        return (resolved, resolved, false)
    }

    mutating func analyzeReplacements() throws(MergeError) {
        var seen: [String: String] = [:]
        for key in replacementKeys {
            guard let parameter = key.replacedTensor.map({ String($0.dropFirst(key.module.count + 1)) }),
                let located = locate(weightOf: key.module, parameter: parameter),
                let baseTensor = base.tensors[located.source]
            else {
                unaccounted.append((key.key, "the base has no tensor \(MessageText.plain(key.replacedTensor ?? key.key))"))
                continue
            }
            let shape = descriptors[key.key]?.shape ?? []
            var resized = false
            if shape != baseTensor.shape {
                let isVocabulary = located.tiedHead || located.source == base.inputEmbedding
                    || key.module == BaseModel.headModule || key.module.hasSuffix("." + BaseModel.headModule)
                guard isVocabulary, shape.count == 2, baseTensor.shape.count == 2, shape[1] == baseTensor.shape[1] else {
                    throw .invalid(
                        "adapter tensor \(MessageText.quoted(key.key)) is \(shape) but base tensor \(located.source) is \(baseTensor.shape)")
                }
                resized = true
                notes.append("\(located.target) is replaced whole with a resized vocabulary: \(baseTensor.shape) → \(shape)")
            }
            guard baseTensor.isFloat else {
                throw .unsupported("adapter tensor \(MessageText.quoted(key.key)) replaces \(located.source) of dtype \(baseTensor.dtype), which loom cannot convert")
            }
            if let other = seen[located.target] {
                throw .invalid("adapter tensors \(MessageText.quoted(other)) and \(MessageText.quoted(key.key)) both replace \(located.target)")
            }
            seen[located.target] = key.key
            if located.tiedHead || located.source == base.inputEmbedding, base.headIsTied { untiesHead = true }
            replacements.append(.init(key: key.key, target: located.target, shape: shape, resized: resized))
        }
    }

    /// Refuses an output head resized to a vocabulary the input embedding does not have: transformers
    /// builds both from `vocab_size` and cannot load such a checkpoint without `ignore_mismatched_sizes`.
    func checkVocabularyAgrees() throws(MergeError) {
        let isHead = { (r: AdapterAnalysis.Replacement) in
            r.target == BaseModel.headModule + ".weight" || r.target.hasSuffix("." + BaseModel.headModule + ".weight")
        }
        guard let head = replacements.first(where: { isHead($0) && $0.resized }), let embedding = base.inputEmbedding,
            let embeddingShape = effectiveShape(of: embedding, source: embedding), embeddingShape.first != head.shape.first
        else { return }
        throw .invalid(
            "adapter tensor \(MessageText.quoted(head.key)) resizes \(head.target) to \(head.shape) but the input embedding \(embedding) stays \(embeddingShape): "
                + "transformers cannot load the merged model (it would need ignore_mismatched_sizes); save the adapter with the resized embedding too")
    }

    /// The shape W0 has when the module's delta is applied: a replacement's shape when it was replaced.
    func effectiveShape(of target: String, source: String) -> [Int]? {
        if let r = replacements.first(where: { $0.target == target }) { return r.shape }
        return base.tensors[source]?.shape
    }

    mutating func analyzeModules() throws(MergeError) {
        var targets: [String: String] = [:]
        for group in groups {
            let module = group.module
            let keys = group.keys
            let allKeys = keys.values.map(\.key).sorted()
            guard let located = locate(weightOf: module) else {
                for k in allKeys { unaccounted.append((k, "the base has no module \(MessageText.plain(module))")) }
                continue
            }
            let basePath = String(located.source.dropLast(".weight".count))
            try matcher.checkMatchable(module)
            let isLinear = located.tiedHead ? false : base.isLinearForAllLinear(basePath)
            guard matcher.targets(module, isLinear: isLinear) else {
                for k in allKeys { unaccounted.append((k, "target_modules does not select module \(MessageText.plain(module))")) }
                continue
            }
            if let other = targets[located.target] {
                throw .invalid("adapter modules \(MessageText.plain(other)) and \(MessageText.plain(module)) both resolve to base tensor \(located.target)")
            }
            targets[located.target] = module
            guard let w = base.tensors[located.source], let shape = effectiveShape(of: located.target, source: located.source)
            else { continue }
            guard w.isFloat else {
                throw .unsupported("module \(MessageText.plain(module)): base tensor \(located.source) has dtype \(w.dtype); loom merges into F32, F16, BF16 or F64 weights")
            }
            guard shape.count == 2 else {
                let what = shape.count == 4 ? "Conv2d" : "\(shape.count)-D"
                throw .unsupported("module \(MessageText.plain(module)): base tensor \(located.source) is \(shape) (\(what)); loom merges LoRA into 2-D weights only")
            }
            if located.tiedHead { untiesHead = true }
            if located.source == base.inputEmbedding, base.headIsTied { untiesHead = true }
            switch config.peftType {
            case .lora:
                modules.append(try lora(module, keys, located: located, basePath: basePath, shape: shape))
            case .ia3:
                modules.append(try ia3(module, keys, located: located, basePath: basePath, shape: shape))
            }
        }
        if untiesHead {
            notes.append("the base ties lm_head to the input embedding; the merged checkpoint unties them (tie_word_embeddings: false)")
        }
    }

    /// Refuses a `target_modules` that selects no module of the base and leaves nothing to merge. Runs
    /// before ``throwIfUnaccounted()``: when the config selects nothing, every key is unaccounted for,
    /// and the field is the culprit to name.
    func throwIfNothingSelected() throws(MergeError) {
        guard modules.isEmpty, replacements.isEmpty,
            !base.modules.contains(where: { matcher.targets($0, isLinear: base.isLinearForAllLinear($0)) })
        else { return }
        throw .invalid("adapter_config.json: target_modules \(config.targetModules.jsonText) selects no module of the base")
    }

    /// With `init_lora_weights: false`, every module `target_modules` selects must have its tensors.
    mutating func checkCoverage() throws(MergeError) {
        let targeted = base.modules.filter { matcher.targets($0, isLinear: base.isLinearForAllLinear($0)) }
        guard config.peftType == .lora, config.json["init_lora_weights"]?.boolValue == false else { return }
        let covered = Set(modules.map { String($0.source.dropLast(".weight".count)) })
        let replaced = Set(replacements.map(\.target))
        if let missing = targeted.first(where: { !covered.contains($0) && !replaced.contains($0 + ".weight") }) {
            throw .invalid(
                "module \(missing) is selected by target_modules but the file holds no tensors for it; with init_lora_weights=false PEFT would merge random weights")
        }
    }

    func throwIfUnaccounted() throws(MergeError) {
        guard !unaccounted.isEmpty else { return }
        let shown = unaccounted.prefix(3).map { "\(MessageText.quoted($0.key)) (\($0.reason))" }.joined(separator: "; ")
        let more = unaccounted.count > 3 ? "; and \(unaccounted.count - 3) more" : ""
        throw .invalid("adapter keys not accounted for by its config and the base (an adapter for another model?): \(shown)\(more)")
    }
}
