import LoomJSON
public import Merge

/// Small base descriptions built in code (no files), and adapter tensors derived from a config, so
/// that fuzzing a config reaches module matching, key parsing, shape checks and planning.
///
/// Two bases: a llama-like one (linear layers, untied head, one biased projection, plus an 8-bit
/// and a 4-D weight that are only adapted on request) and a gpt2-like one (`Conv1D` layers, head
/// tied to `wte`). Dimensions are tiny; only shapes matter. Values are immutable and `Sendable`.
///
/// ## Topics
/// - ``llama``, ``gpt2``, ``all``, ``model``, ``adapterTensors(for:variant:)``
public struct SyntheticBase: Sendable {
    /// The base as the planner sees it.
    public let model: BaseModel
    /// Weights of ordinary layers: what `all-linear` or a regex may select.
    let layerModules: [String]
    /// Weights only adapted when the variant asks: an I8 weight and a 4-D one (refusal paths).
    let oddModules: [String]

    /// LLaMA-like: hidden 8, kv 4, MLP 12, vocabulary 32, two layers, `lm_head.weight` present.
    public static let llama: SyntheticBase = {
        var tensors = [weight("model.embed_tokens", [32, 8], "BF16"), weight("model.norm", [8], "BF16"), weight("lm_head", [32, 8], "BF16")]
        for l in 0..<2 {
            let p = "model.layers.\(l)."
            tensors += [
                weight(p + "self_attn.q_proj", [8, 8], "BF16"), weight(p + "self_attn.k_proj", [4, 8], "BF16"),
                weight(p + "self_attn.v_proj", [4, 8], "BF16"), weight(p + "self_attn.o_proj", [8, 8], "BF16"),
                weight(p + "mlp.gate_proj", [12, 8], "BF16"), weight(p + "mlp.up_proj", [12, 8], "BF16"),
                weight(p + "mlp.down_proj", [8, 12], "BF16"), weight(p + "input_layernorm", [8], "BF16"),
            ]
        }
        tensors += [
            TensorDescriptor(name: "model.layers.0.self_attn.q_proj.bias", dtype: "BF16", shape: [8]),
            weight("model.quantized_proj", [8, 8], "I8"), weight("model.patch_embed", [8, 3, 2, 2], "F32"),
        ]
        return SyntheticBase(
            tensors: tensors,
            config: ["model_type": "llama", "tie_word_embeddings": false, "vocab_size": 32],
            oddModules: ["model.quantized_proj", "model.patch_embed"])
    }()

    /// GPT-2-like: `Conv1D` layers stored `[in, out]`, every layer biased, head tied to `wte`.
    public static let gpt2: SyntheticBase = {
        var tensors = [weight("transformer.wte", [32, 8], "F32"), weight("transformer.wpe", [16, 8], "F32")]
        for l in 0..<2 {
            let p = "transformer.h.\(l)."
            for (layer, shape) in [("attn.c_attn", [8, 24]), ("attn.c_proj", [8, 8]), ("mlp.c_fc", [8, 32]), ("mlp.c_proj", [32, 8])] {
                tensors += [weight(p + layer, shape, "F32"), bias(p + layer, shape[1])]
            }
            tensors += [weight(p + "ln_1", [8], "F32"), bias(p + "ln_1", 8)]
        }
        tensors.append(weight("transformer.ln_f", [8], "F32"))
        return SyntheticBase(tensors: tensors, config: ["model_type": "gpt2", "vocab_size": 32], oddModules: [])
    }()

    /// Both bases, llama first.
    public static let all = [llama, gpt2]

    init(tensors: [TensorDescriptor], config: JSONObject, oddModules: [String]) {
        model = BaseModel(tensors: tensors, config: config)
        self.oddModules = oddModules
        layerModules = tensors.filter { $0.name.hasSuffix(".weight") && $0.shape.count == 2 && $0.dtype != "I8" }
            .map { String($0.name.dropLast(".weight".count)) }
    }

    private static func weight(_ module: String, _ shape: [Int], _ dtype: String) -> TensorDescriptor {
        TensorDescriptor(name: module + ".weight", dtype: dtype, shape: shape)
    }

    private static func bias(_ module: String, _ count: Int) -> TensorDescriptor {
        TensorDescriptor(name: module + ".bias", dtype: "F32", shape: [count])
    }
}
