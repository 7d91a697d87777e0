/// What a build changes in a base: one ``TensorPlan`` per changed or added output tensor.
///
/// Several adapters combine as exactly W0 + Σ wᵢ·sᵢ·Bᵢ·Aᵢ ("Read first" #2). The order of the
/// adapters does not change the result: low-rank terms are applied in a canonical order (by adapter
/// digest, then weight), so a build's bytes depend only on the set of (adapter, weight) pairs.
/// DoRA and IA3 are refused in multi-adapter builds (their combination is not a sum), and full
/// replacements cannot be weighted. A non-linear ``combine`` (TIES, magnitude pruning, DARE) applies to
/// each module's full deltas instead (``TensorPlan/combine``); it takes plain LoRA deltas only. A value
/// type; `Sendable`.
public struct MergePlan: Sendable {
    /// The version of the merge semantics; part of every cache key. Bump it whenever output bytes may change.
    /// 2: ΔW, sums, DoRA and IA3 in float64, rounded once (1 computed them in float32).
    public static let engineVersion = "loom-merge/2"

    /// One input of a build.
    public struct Input: Sendable {
        public var analysis: AdapterAnalysis
        public var weight: Double
        /// The adapter's manifest digest: the canonical order of low-rank terms.
        public var digest: String
        /// How messages name the adapter (`sql@2`); the digest when nil.
        public var name: String?

        public init(analysis: AdapterAnalysis, weight: Double, digest: String, name: String? = nil) {
            self.analysis = analysis
            self.weight = weight
            self.digest = digest
            self.name = name
        }
    }

    /// Changed tensors of the base, plus added ones, by output name.
    public let tensors: [String: TensorPlan]
    /// Output tensors the base does not have (an untied head), in the order to append them, each with
    /// the base tensor whose file it joins.
    public let added: [(name: String, joins: String)]
    /// The merged checkpoint needs `tie_word_embeddings: false`.
    public let untiesHead: Bool
    public let notes: [String]
    /// How the adapters' deltas combine on each module.
    public let combine: CombineOptions
    /// A QLoRA-faithful build (§10.2): quantized base weights start from their NF4 round trip.
    public let qlora: QLoRAOptions?

    /// Combines validated adapters, in the given input order (indices refer to it), into one plan.
    ///
    /// - Throws: ``MergeError`` when the combination is not a faithful sum (DoRA, IA3, conflicting or
    ///   weighted replacements), or, for a non-linear `combine`, `.unsupported` naming an adapter with
    ///   DoRA, IA3 or full-replacement tensors (§10.1: those methods combine plain deltas only); with
    ///   `qlora`, `.unsupported` for a base with `Conv1D` layers.
    public init(base: BaseModel, inputs: [Input], combine: CombineOptions = .linear, qlora: QLoRAOptions? = nil) throws(MergeError) {
        try Self.checkInputs(inputs, combine: combine)
        if qlora != nil, base.hasConv1DLayers {
            throw .unsupported("--qlora: base has Conv1D layers (GPT-2 family), whose 4-bit load loom does not model")
        }
        self.combine = combine
        self.qlora = qlora
        var plans: [String: TensorPlan] = [:]
        var added: [(name: String, joins: String)] = []
        var notes: [String] = []
        func plan(_ name: String, shape: [Int], source: String) -> TensorPlan {
            if let existing = plans[name] { return existing }
            if base.tensors[name] == nil, !added.contains(where: { $0.name == name }) {
                added.append((name, source))
            }
            return TensorPlan(name: name, shape: shape, source: .base(source))
        }

        for (index, input) in inputs.enumerated() {
            for r in input.analysis.replacements {
                if input.weight != 1 {
                    throw .unsupported("adapter \(input.digest) replaces \(r.target) whole (modules_to_save or a trained bias), which cannot be weighted by \(input.weight); use weight 1")
                }
                if let existing = plans[r.target], case .adapter = existing.source {
                    throw .invalid("two adapters both replace \(r.target); loom cannot choose between them")
                }
                let source = base.tensors[r.target] != nil ? r.target : (base.inputEmbedding ?? r.target)
                var p = plan(r.target, shape: r.shape, source: source)
                p.source = .adapter(index, r.key)
                p.shape = r.shape
                plans[r.target] = p
            }
            notes.append(contentsOf: input.analysis.notes)
        }
        // Low-rank terms in canonical order, so the float64 sum does not depend on the order asked.
        let order = inputs.indices.sorted { (inputs[$0].digest, inputs[$0].weight, $0) < (inputs[$1].digest, inputs[$1].weight, $1) }
        for index in order {
            let input = inputs[index]
            for m in input.analysis.modules {
                let shape = plans[m.target]?.shape ?? base.tensors[m.source]?.shape ?? []
                var p = plan(m.target, shape: shape, source: m.source)
                if let lora = m.lora {
                    p.lowRank.append(.init(
                        adapter: index, aKey: lora.aKey, bKey: lora.bKey, rank: lora.rank,
                        transposed: m.kind.isTransposed, coefficient: input.weight * lora.scaling,
                        weight: input.weight, scaling: lora.scaling, digest: input.digest))
                    p.combine = combine
                    if let magnitude = lora.magnitudeKey {
                        p.dora = .init(adapter: index, magnitudeKey: magnitude, axis: m.kind.isTransposed ? .columns : .rows)
                    }
                    if let key = lora.biasKey, let target = lora.biasTarget, let bias = base.tensors[target] {
                        var b = plans[target] ?? TensorPlan(name: target, shape: bias.shape, source: .base(target))
                        b.biasAdds.append(.init(adapter: index, key: key, coefficient: input.weight * lora.scaling))
                        plans[target] = b
                    }
                }
                if let ia3 = m.ia3 {
                    // Non-feed-forward vectors scale output features, feed-forward ones input features.
                    let alongRows = (m.kind == .linear) != ia3.feedforward
                    p.scale = .init(adapter: index, key: ia3.key, axis: alongRows ? .rows : .columns)
                    if let target = ia3.biasTarget, let bias = base.tensors[target] {
                        var b = plans[target] ?? TensorPlan(name: target, shape: bias.shape, source: .base(target))
                        b.scale = .init(adapter: index, key: ia3.key, axis: .elements)
                        plans[target] = b
                    }
                }
                plans[m.target] = p
            }
        }
        let untie = inputs.contains { $0.analysis.untiesHead }
        if untie, base.headIsTied, let embedding = base.inputEmbedding {
            let head = BaseModel.headModule + ".weight"
            if plans[head] == nil, let e = base.tensors[embedding] {
                // Only the embedding changed: the separate head keeps the original values.
                plans[head] = plan(head, shape: e.shape, source: embedding)
            }
        }
        if let qlora { Self.quantize(&plans, base: base, options: qlora) }
        self.tensors = plans
        self.added = added
        self.untiesHead = untie && base.headIsTied
        var seen = Set<String>()
        self.notes = notes.filter { seen.insert($0).inserted }
    }

    /// Refuses inputs no plan can combine faithfully (the checks of ``init(base:inputs:combine:qlora:)``).
    private static func checkInputs(_ inputs: [Input], combine: CombineOptions) throws(MergeError) {
        guard !inputs.isEmpty else { throw .invalid("a build needs at least one adapter") }
        for input in inputs where !input.weight.isFinite {
            throw .invalid("adapter weight \(input.weight) is not a finite number")
        }
        if !combine.isLinear {
            for input in inputs {
                let shown = input.name ?? input.digest
                let method = combine.method.rawValue
                if input.analysis.config.useDora {
                    throw .unsupported("adapter \(shown) is a DoRA adapter, which --combine \(method) cannot combine (it applies to plain LoRA deltas only)")
                }
                if input.analysis.config.peftType == .ia3 {
                    throw .unsupported("adapter \(shown) is an IA3 adapter, which --combine \(method) cannot combine (it applies to plain LoRA deltas only)")
                }
                if let r = input.analysis.replacements.first {
                    throw .unsupported("adapter \(shown) replaces \(r.target) whole (modules_to_save or a trained bias), which --combine \(method) cannot prune; use --combine linear")
                }
            }
        }
        if inputs.count > 1 {
            for input in inputs {
                if input.analysis.config.useDora {
                    throw .unsupported("DoRA adapters cannot be combined with others: DoRA rescales by norms of the merged weight, so the result is not a weighted sum")
                }
                if input.analysis.config.peftType == .ia3 {
                    throw .unsupported("IA3 adapters cannot be combined with others: IA3 scales weights, so the result is not a weighted sum")
                }
            }
        }
    }

    /// Marks every base weight transformers quantizes on a 4-bit load (``BaseModel/isQuantizedOnLoad(_:)``)
    /// to start from its NF4 round trip; a tensor an adapter replaces whole keeps the replacement.
    private static func quantize(_ plans: inout [String: TensorPlan], base: BaseModel, options: QLoRAOptions) {
        for (name, tensor) in base.tensors where base.isQuantizedOnLoad(name) {
            var p = plans[name] ?? TensorPlan(name: name, shape: tensor.shape, source: .base(name))
            guard case .base(let source) = p.source, source == name else { continue }
            p.quantize = options
            plans[name] = p
        }
    }
}
