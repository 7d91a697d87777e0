extension AnalysisBuilder {
    typealias Located = (target: String, source: String, tiedHead: Bool)

    /// Validates one LoRA/DoRA module: both factors present, shapes agreeing with the rank and with the
    /// base layer's layout, rank agreeing with `r`/`rank_pattern`; then its DoRA magnitude and `lora_bias`.
    func lora(
        _ module: String, _ keys: [AdapterKey.Role: AdapterKey], located: Located, basePath: String, shape: [Int]
    ) throws(MergeError) -> AdapterAnalysis.Module {
        let (a, b, isEmbedding) = try factorKeys(module, keys)
        let kind: AdapterAnalysis.ModuleKind =
            isEmbedding ? .embedding : (located.tiedHead ? .linear : (base.isConv1D(module: basePath) ? .conv1D : .linear))
        let (outF, inF) = kind == .linear ? (shape[0], shape[1]) : (shape[1], shape[0])
        let rank = try factorRank(module, a: a, b: b, kind: kind, outF: outF, inF: inF, located: located, shape: shape)
        let alpha = matcher.alpha(for: module, fallback: config.loraAlpha ?? Double(rank))
        let scaling = config.useRslora ? alpha / Double(rank).squareRoot() : alpha / Double(rank)
        let magnitudeKey = try doraMagnitude(module, keys, outF: outF)
        let bias = try loraBias(module, keys, kind: kind, located: located, basePath: basePath, outF: outF)
        let lora = AdapterAnalysis.LoRA(
            aKey: a.key, bKey: b.key, rank: rank, alpha: alpha, scaling: scaling,
            magnitudeKey: magnitudeKey, biasKey: bias?.key, biasTarget: bias?.target)
        return .init(
            module: module, kind: kind, target: located.target, source: located.source,
            outFeatures: outF, inFeatures: inF, lora: lora, ia3: nil)
    }

    /// The module's A and B keys (`lora_embedding_A/B` for an embedding), refusing an IA3 vector, a mix of
    /// embedding and linear factors, or one factor without the other.
    private func factorKeys(
        _ module: String, _ keys: [AdapterKey.Role: AdapterKey]
    ) throws(MergeError) -> (a: AdapterKey, b: AdapterKey, isEmbedding: Bool) {
        if let k = keys[.ia3] { throw .invalid("adapter key \(MessageText.quoted(k.key)) is an IA3 vector in a LoRA adapter") }
        let isEmbedding = keys[.embeddingA] != nil || keys[.embeddingB] != nil
        let aRole: AdapterKey.Role = isEmbedding ? .embeddingA : .loraA
        let bRole: AdapterKey.Role = isEmbedding ? .embeddingB : .loraB
        if isEmbedding, let k = keys[.loraA] ?? keys[.loraB] {
            throw .invalid("module \(MessageText.plain(module)) has both lora_embedding and lora_A/lora_B tensors (\(MessageText.quoted(k.key)))")
        }
        guard let a = keys[aRole], let b = keys[bRole] else {
            let present = (keys[aRole] ?? keys[bRole] ?? keys.values.first)?.key ?? module
            let missing = keys[aRole] == nil ? (isEmbedding ? "lora_embedding_A" : "lora_A") : (isEmbedding ? "lora_embedding_B" : "lora_B")
            throw .invalid("module \(MessageText.plain(module)) has \(MessageText.quoted(present)) but no \(missing)")
        }
        return (a, b, isEmbedding)
    }

    /// The rank the factors' shapes give, checked against each other, the base layer and `r`/`rank_pattern`.
    private func factorRank(
        _ module: String, a: AdapterKey, b: AdapterKey, kind: AdapterAnalysis.ModuleKind, outF: Int, inF: Int,
        located: Located, shape: [Int]
    ) throws(MergeError) -> Int {
        let aShape = descriptors[a.key]?.shape ?? []
        let bShape = descriptors[b.key]?.shape ?? []
        guard aShape.count == 2, bShape.count == 2 else {
            throw .unsupported("module \(MessageText.plain(module)): lora_A is \(aShape) and lora_B is \(bShape); loom merges 2-D LoRA factors only")
        }
        let rank = aShape[0]
        guard rank > 0, bShape[1] == rank else {
            throw .invalid("module \(MessageText.plain(module)): lora_A is \(aShape) and lora_B is \(bShape); their ranks disagree")
        }
        guard aShape[1] == inF, bShape[0] == outF else {
            throw .invalid(
                "module \(MessageText.plain(module)): lora_A is \(aShape) and lora_B is \(bShape), but base tensor \(located.source) is \(shape) "
                    + "(a \(kind.rawValue) layer expecting A [r, \(inF)] and B [\(outF), r]): an adapter for another base?")
        }
        let configRank = matcher.rank(for: module, fallback: config.r ?? rank)
        guard configRank == rank else {
            throw .invalid(
                "module \(MessageText.plain(module)): the tensors have rank \(rank) but the config gives r=\(configRank) (r / rank_pattern); PEFT would fail to load it")
        }
        return rank
    }

    /// The DoRA magnitude key, present exactly when `use_dora` is set, with one value per output feature.
    private func doraMagnitude(_ module: String, _ keys: [AdapterKey.Role: AdapterKey], outF: Int) throws(MergeError) -> String? {
        if let m = keys[.magnitude] {
            guard config.useDora else { throw .invalid("adapter key \(MessageText.quoted(m.key)) is a DoRA magnitude but use_dora is false") }
            let mShape = descriptors[m.key]?.shape ?? []
            guard mShape == [outF] else {
                throw .invalid("module \(MessageText.plain(module)): lora_magnitude_vector is \(mShape), expected [\(outF)]")
            }
            return m.key
        }
        if config.useDora {
            throw .invalid("module \(MessageText.plain(module)): use_dora is true but the file has no lora_magnitude_vector for it")
        }
        return nil
    }

    /// The `lora_bias` key and the base bias it adds to, when the file has one (`lora_bias` must be set and
    /// the base layer must have a bias).
    private func loraBias(
        _ module: String, _ keys: [AdapterKey.Role: AdapterKey], kind: AdapterAnalysis.ModuleKind, located: Located,
        basePath: String, outF: Int
    ) throws(MergeError) -> (key: String, target: String)? {
        guard let bias = keys[.loraBBias] else { return nil }
        guard config.loraBias else {
            throw .invalid("adapter key \(MessageText.quoted(bias.key)) is a lora_B bias but lora_bias is false (PEFT would ignore it)")
        }
        guard kind != .embedding else { throw .invalid("module \(MessageText.plain(module)): lora_bias is not allowed on an embedding") }
        guard !located.tiedHead, let target = base.resolve(tensor: basePath + ".bias") else {
            throw .invalid("module \(MessageText.plain(module)): lora_B has a bias but base layer \(basePath) has none (PEFT refuses this)")
        }
        let bShape = descriptors[bias.key]?.shape ?? []
        guard bShape == [outF] else { throw .invalid("module \(MessageText.plain(module)): lora_B.bias is \(bShape), expected [\(outF)]") }
        return (bias.key, target)
    }

    /// Validates one IA3 module: the vector's shape says which features it scales (§3.12).
    func ia3(
        _ module: String, _ keys: [AdapterKey.Role: AdapterKey], located: Located, basePath: String, shape: [Int]
    ) throws(MergeError) -> AdapterAnalysis.Module {
        guard let l = keys[.ia3] else {
            let k = keys.values.map(\.key).sorted().first ?? module
            throw .invalid("adapter key \(MessageText.quoted(k)) is a LoRA tensor in an IA3 adapter")
        }
        if let other = keys.values.first(where: { $0.role != .ia3 }) {
            throw .invalid("adapter key \(MessageText.quoted(other.key)) is a LoRA tensor in an IA3 adapter")
        }
        let kind: AdapterAnalysis.ModuleKind = base.isConv1D(module: basePath) ? .conv1D : .linear
        let (outF, inF) = kind == .linear ? (shape[0], shape[1]) : (shape[1], shape[0])
        let feedforward = matcher.isFeedforward(module)
        let expected = feedforward ? [1, inF] : [outF, 1]
        let lShape = descriptors[l.key]?.shape ?? []
        guard lShape == expected else {
            throw .invalid(
                "module \(MessageText.plain(module)): ia3_l is \(lShape), expected \(expected) for a \(feedforward ? "feed-forward" : "non-feed-forward") \(kind.rawValue) layer of shape \(shape)")
        }
        let biasTarget = feedforward || located.tiedHead ? nil : base.resolve(tensor: basePath + ".bias")
        return .init(
            module: module, kind: kind, target: located.target, source: located.source,
            outFeatures: outF, inFeatures: inF, lora: nil,
            ia3: .init(key: l.key, feedforward: feedforward, biasTarget: biasTarget))
    }
}
