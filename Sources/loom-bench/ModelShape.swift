/// The dimensions of a synthetic Llama-shape model and the tensors transformers would save for it.
///
/// Tensor names, shapes and order are those of transformers' `LlamaForCausalLM.state_dict()` with an
/// untied head. A value type; computing the tensor lists allocates only the lists.
struct ModelShape: Sendable, Equatable {
    /// Short label used in names and directories (`0.5B`, `7b`).
    let label: String
    let hidden: Int
    let intermediate: Int
    let layers: Int
    let heads: Int
    let kvHeads: Int
    let vocab: Int

    /// One tensor of the base checkpoint.
    struct Tensor: Sendable {
        let name: String
        let shape: [Int]
        /// Norm weights are written as 1.0, every other tensor as small random values.
        let isNorm: Bool

        var elementCount: Int { shape.reduce(1, *) }
    }

    /// One LoRA target module: its projection name and `nn.Linear` in/out features.
    struct Target: Sendable {
        /// `self_attn.q_proj`, `mlp.down_proj`, ...
        let module: String
        let inFeatures: Int
        let outFeatures: Int

        /// The last component (`q_proj`), as listed in `target_modules`.
        var shortName: String { String(module.split(separator: ".").last ?? "") }
    }

    var headDim: Int { hidden / heads }
    var kvDim: Int { kvHeads * headDim }

    /// The seven linear modules of one decoder layer, in transformers' order.
    var targets: [Target] {
        [
            Target(module: "self_attn.q_proj", inFeatures: hidden, outFeatures: hidden),
            Target(module: "self_attn.k_proj", inFeatures: hidden, outFeatures: kvDim),
            Target(module: "self_attn.v_proj", inFeatures: hidden, outFeatures: kvDim),
            Target(module: "self_attn.o_proj", inFeatures: hidden, outFeatures: hidden),
            Target(module: "mlp.gate_proj", inFeatures: hidden, outFeatures: intermediate),
            Target(module: "mlp.up_proj", inFeatures: hidden, outFeatures: intermediate),
            Target(module: "mlp.down_proj", inFeatures: intermediate, outFeatures: hidden),
        ]
    }

    /// Every base tensor in state-dict order: embeddings, then per layer the projections and the two
    /// norms, then the final norm and the (untied) head.
    var baseTensors: [Tensor] {
        var out = [Tensor(name: "model.embed_tokens.weight", shape: [vocab, hidden], isNorm: false)]
        for layer in 0..<layers {
            let prefix = "model.layers.\(layer)."
            for target in targets {
                out.append(Tensor(name: prefix + target.module + ".weight", shape: [target.outFeatures, target.inFeatures], isNorm: false))
            }
            out.append(Tensor(name: prefix + "input_layernorm.weight", shape: [hidden], isNorm: true))
            out.append(Tensor(name: prefix + "post_attention_layernorm.weight", shape: [hidden], isNorm: true))
        }
        out.append(Tensor(name: "model.norm.weight", shape: [hidden], isNorm: true))
        out.append(Tensor(name: "lm_head.weight", shape: [vocab, hidden], isNorm: false))
        return out
    }

    /// Parameters of the base (every tensor's elements).
    var parameterCount: Int {
        let perLayer = targets.reduce(0) { $0 + $1.inFeatures * $1.outFeatures } + 2 * hidden
        return 2 * vocab * hidden + layers * perLayer + hidden
    }

    /// Bytes of the base's tensor data in bf16 (headers and config not included).
    var baseDataBytes: Int { 2 * parameterCount }

    /// Bytes of the r-rank f32 adapter's tensor data.
    func adapterDataBytes(rank: Int) -> Int {
        4 * layers * targets.reduce(0) { $0 + rank * ($1.inFeatures + $1.outFeatures) }
    }

    /// The 7B shape: Llama-2-7B's dimensions (6.74B parameters, 13.5 GB in bf16).
    static let sevenB = ModelShape(label: "7b", hidden: 4096, intermediate: 11008, layers: 32, heads: 32, kvHeads: 32, vocab: 32000)

    /// The default: about 487M parameters (0.97 GB in bf16), the size of the PEFT anchor.
    static let halfB = ModelShape(label: "0.5B", hidden: 1024, intermediate: 4352, layers: 24, heads: 16, kvHeads: 16, vocab: 32000)

    /// A shape of about `text` parameters (`0.5B`, `490M`, `1.5B`, `3B`): the 0.5B dimensions below 3B
    /// parameters and the 7B dimensions from 3B on, with the layer count chosen to come closest.
    ///
    /// - Returns: nil when `text` is not a positive number followed by `M` or `B`.
    static func parse(params text: String) -> ModelShape? {
        let upper = text.uppercased()
        guard let unit = upper.last, unit == "M" || unit == "B", let number = Double(upper.dropLast()), number > 0 else {
            return nil
        }
        let wanted = number * (unit == "B" ? 1e9 : 1e6)
        if upper == "0.5B" { return halfB }
        let template = wanted < 3e9 ? halfB : sevenB
        let one = ModelShape(
            label: text, hidden: template.hidden, intermediate: template.intermediate, layers: 1,
            heads: template.heads, kvHeads: template.kvHeads, vocab: template.vocab)
        let perLayer = Double(one.parameterCount - 2 * one.vocab * one.hidden - one.hidden)
        let fixed = Double(2 * one.vocab * one.hidden + one.hidden)
        let layers = max(1, Int(((wanted - fixed) / perLayer).rounded()))
        return ModelShape(
            label: text, hidden: template.hidden, intermediate: template.intermediate, layers: layers,
            heads: template.heads, kvHeads: template.kvHeads, vocab: template.vocab)
    }
}
