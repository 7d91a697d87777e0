public import Merge

extension SyntheticBase {
    /// Adapter tensor descriptors for `config` on this base, named as PEFT names them, with a module
    /// choice and one perturbation steered by `variant` (an input hash the fuzzer controls).
    ///
    /// Modules: usually the layers the config's own ``ModuleMatcher`` selects (so `exclude_modules`,
    /// `modules_to_save`, `layers_to_transform`, regexes and `all-linear` all count); for one input in
    /// four, or when the matcher refuses the config, a fixed family of layers instead, which the
    /// analysis may then refuse as unselected. List entries that name no layer of this base are
    /// added as modules of their own for one input in four (arbitrary names reach key parsing).
    /// Each module gets LoRA A/B (embedding A/B on an embedding), DoRA magnitudes and `lora_B`
    /// biases as configured, or an IA3 vector, in the shapes the base implies and the matcher's rank;
    /// each `modules_to_save` entry gets a full replacement. The perturbation (a transposed factor, a
    /// missing tensor, a stray key, an integer dtype, a 3-D factor) applies to one input in four.
    ///
    /// - Returns: at most about 100 descriptors; shapes are small, so any product fits `Int`.
    public func adapterTensors(for config: AdapterConfig, variant: UInt64) -> [TensorDescriptor] {
        let matcher = try? ModuleMatcher(config)
        var modules: [String]
        if let matcher, (variant >> 4) & 3 != 3 {
            modules = layerModules.filter { matcher.targets($0, isLinear: model.isLinearForAllLinear($0)) }
        } else {
            modules = layerModules.filter(Self.family(Int((variant >> 6) % 6)))
        }
        if case .names(let names) = config.targetModules, (variant >> 9) & 3 == 3 {
            modules += names.prefix(8).filter { entry in !layerModules.contains { $0 == entry || $0.hasSuffix("." + entry) } }
        }
        if (variant >> 11) & 7 == 7 { modules += oddModules }
        var tensors: [TensorDescriptor] = []
        for module in modules.prefix(32) {
            tensors += moduleTensors(module, config: config, matcher: matcher)
        }
        for entry in config.modulesToSave.prefix(4) {
            let module = layerModules.first { $0 == entry || $0.hasSuffix("." + entry) } ?? entry
            tensors.append(Self.f32(AdapterPrefix.key(module + ".weight"), weightShape(of: module) ?? [2]))
        }
        Self.perturb(&tensors, variant: variant)
        return tensors
    }

    /// The tensors PEFT saves for one adapted module.
    private func moduleTensors(_ module: String, config: AdapterConfig, matcher: ModuleMatcher?) -> [TensorDescriptor] {
        let key = AdapterPrefix.key(module)
        let shape = weightShape(of: module) ?? [8, 8]
        let isEmbedding = module.hasSuffix("embed_tokens") || module.hasSuffix("wte")
        let transposed = isEmbedding || model.isConv1D(module: module)
        let (rows, columns) = shape.count >= 2 ? (shape[0], shape[1]) : (8, 8)
        let (outF, inF) = transposed ? (columns, rows) : (rows, columns)
        switch config.peftType {
        case .lora:
            let configured = matcher?.rank(for: module, fallback: config.r ?? 4) ?? config.r ?? 4
            // Ranks too large for a real file become 4, which the analysis then refuses as a mismatch.
            let rank = configured <= 4096 ? configured : 4
            var tensors = isEmbedding
                ? [Self.f32(key + ".lora_embedding_A", [rank, inF]), Self.f32(key + ".lora_embedding_B", [outF, rank])]
                : [Self.f32(key + ".lora_A.weight", [rank, inF]), Self.f32(key + ".lora_B.weight", [outF, rank])]
            if config.useDora { tensors.append(Self.f32(key + ".lora_magnitude_vector.weight", [outF])) }
            if config.loraBias { tensors.append(Self.f32(key + ".lora_B.bias", [outF])) }
            return tensors
        case .ia3:
            let feedforward = matcher?.isFeedforward(module) ?? false
            return [Self.f32(key + ".ia3_l", feedforward ? [1, inF] : [outF, 1])]
        }
    }

    /// The base weight's shape for a module path, mapping a tied head onto the input embedding.
    private func weightShape(of module: String) -> [Int]? {
        if let w = model.tensors[module + ".weight"] { return w.shape }
        guard module == BaseModel.headModule, let embedding = model.inputEmbedding else { return nil }
        return model.tensors[embedding]?.shape
    }

    /// Layer families tried instead of the matcher's choice.
    static func family(_ index: Int) -> (String) -> Bool {
        let isVocabulary: (String) -> Bool = { $0.hasSuffix("embed_tokens") || $0.hasSuffix("wte") || $0.hasSuffix("wpe") || $0 == "lm_head" }
        switch index {
        case 0: return { !isVocabulary($0) }
        case 1: return { $0.hasSuffix("q_proj") || $0.hasSuffix("v_proj") || $0.hasSuffix("c_attn") }
        case 2: return { $0.contains("attn") }
        case 3: return { $0.contains(".0.") && !isVocabulary($0) }
        case 4: return { $0.contains("mlp") }
        default: return { _ in true }
        }
    }

    /// Changes one thing about the tensors when `variant & 15` is 12–15; 0–11 leave them as derived.
    static func perturb(_ tensors: inout [TensorDescriptor], variant: UInt64) {
        guard !tensors.isEmpty else { return }
        switch variant & 15 {
        case 12: tensors[0].shape.reverse()
        case 13: tensors.removeLast()
        case 14:
            let stray = variant & 0x4000 == 0 ? AdapterPrefix.key("extra.lora_A.weight") : "model.layers.0.self_attn.q_proj.weight"
            tensors.append(f32(stray, [4, 8]))
        case 15:
            if variant & 0x4000 == 0 { tensors[0].dtype = "I32" } else { tensors[0].shape.insert(1, at: 0) }
        default: break
        }
    }

    static func f32(_ name: String, _ shape: [Int]) -> TensorDescriptor {
        TensorDescriptor(name: name, dtype: "F32", shape: shape)
    }
}

/// The prefix PEFT writes in front of every adapter key.
enum AdapterPrefix {
    static func key(_ path: String) -> String { "base_model.model." + path }
}
