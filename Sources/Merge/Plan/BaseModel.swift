public import LoomJSON

/// What the merge planner knows about a base: its tensors (name, dtype, shape) and the config fields
/// that change merge semantics. Built from the catalog's tensor index and `config.json`; no weights.
///
/// A value type; `Sendable`.
public struct BaseModel: Sendable {
    /// Model types whose attention/MLP layers are `transformers.pytorch_utils.Conv1D` (weight `[in, out]`).
    public static let conv1DModelTypes: Set<String> = ["gpt2", "openai-gpt", "imagegpt", "decision_transformer"]
    /// The `Conv1D` layer names in those models; every other layer there (`lm_head`, `score`) is `nn.Linear`.
    static let conv1DLayerNames: Set<String> = ["c_attn", "c_proj", "c_fc", "q_attn"]
    /// Tensor-name suffixes of input embeddings across common architectures, most specific first.
    static let inputEmbeddingSuffixes = [
        "embed_tokens.weight", "wte.weight", "word_embeddings.weight", "embed_in.weight", "tok_embeddings.weight",
        "shared.weight",
    ]
    /// The output-head module name a tied checkpoint omits.
    public static let headModule = "lm_head"

    public let tensors: [String: TensorDescriptor]
    public let modelType: String?
    public let architectures: [String]
    /// `tie_word_embeddings` from config.json (transformers' default, true, when absent).
    public let tieWordEmbeddings: Bool
    public let vocabSize: Int?
    /// Distinct first name components (`model`, `transformer`, `lm_head`): used to reconcile key prefixes (§2.3).
    let topLevelNames: Set<String>

    /// - Parameters:
    ///   - tensors: every tensor of the checkpoint (all shards).
    ///   - config: the parsed `config.json`, or nil when the base has none.
    public init(tensors: [TensorDescriptor], config: JSONObject?) {
        var byName: [String: TensorDescriptor] = [:]
        for t in tensors { byName[t.name] = t }
        self.tensors = byName
        modelType = config?["model_type"]?.stringValue
        architectures = config?["architectures"]?.arrayValue?.compactMap(\.stringValue) ?? []
        tieWordEmbeddings = config?["tie_word_embeddings"]?.boolValue ?? true
        vocabSize = config?["vocab_size"]?.intValue
        topLevelNames = Set(tensors.compactMap { $0.name.split(separator: ".").first.map(String.init) })
    }

    /// Whether module `path` (a checkpoint module path) stores its weight as `[in, out]`.
    ///
    /// Decided from the model type and the layer name, never from `fan_in_fan_out` in the adapter config:
    /// PEFT overrides that flag per layer, and square weights make shapes alone ambiguous.
    public func isConv1D(module path: String) -> Bool {
        guard let modelType, Self.conv1DModelTypes.contains(modelType) else { return false }
        let last = path.split(separator: ".").last.map(String.init) ?? path
        return Self.conv1DLayerNames.contains(last)
    }

    /// The input embedding tensor, when one can be identified unambiguously.
    public var inputEmbedding: String? {
        for suffix in Self.inputEmbeddingSuffixes {
            let matches = tensors.values.filter { t in
                (t.name == suffix || t.name.hasSuffix("." + suffix)) && t.shape.count == 2
                    && (vocabSize == nil || t.shape[0] == vocabSize)
            }
            if matches.count == 1 { return matches[0].name }
        }
        return nil
    }

    /// True when the checkpoint stores no `lm_head.weight` because the head shares the input embedding.
    public var headIsTied: Bool {
        tieWordEmbeddings && tensors[Self.headModule + ".weight"] == nil && inputEmbedding != nil
    }

    /// Module paths of the checkpoint (tensor names ending in `.weight`, without it).
    public var modules: [String] {
        tensors.keys.filter { $0.hasSuffix(".weight") }.map { String($0.dropLast(".weight".count)) }.sorted()
    }

    /// Whether `path` looks like a linear layer for `"all-linear"`: a 2-D weight that is neither an
    /// embedding nor the output head.
    package func isLinearForAllLinear(_ path: String) -> Bool {
        guard let w = tensors[path + ".weight"], w.shape.count == 2 else { return false }
        if path == Self.headModule || path.hasSuffix("." + Self.headModule) { return false }
        let weight = path + ".weight"
        if Self.inputEmbeddingSuffixes.contains(where: { weight == $0 || weight.hasSuffix("." + $0) }) { return false }
        if weight.hasSuffix("wpe.weight") || weight.hasSuffix("position_embeddings.weight") { return false }
        return true
    }

    /// The checkpoint tensor for a name as the adapter writes it, reconciling a missing or extra
    /// top-level prefix (`layers.0…` vs `model.layers.0…`, §2.3). Nil when absent or ambiguous.
    public func resolve(tensor name: String) -> String? {
        if tensors[name] != nil { return name }
        var candidates: [String] = []
        if let dot = name.firstIndex(of: ".") {
            let stripped = String(name[name.index(after: dot)...])
            if tensors[stripped] != nil { candidates.append(stripped) }
        }
        for prefix in topLevelNames.sorted() where tensors[prefix + "." + name] != nil {
            candidates.append(prefix + "." + name)
        }
        return candidates.count == 1 ? candidates[0] : nil
    }
}
