import LoomJSON
import Merge
import Safetensors

/// The PEFT LoRA adapter an extraction produces, before it is written: the factors of every decomposed
/// weight and the full tensors that replace undecomposable ones (`modules_to_save` style).
///
/// ``write(to:)`` writes `adapter_config.json` and `adapter_model.safetensors` as PEFT 0.21 saves them:
/// keys `base_model.model.<module>.lora_A.weight` / `.lora_B.weight` in float32, `r = lora_alpha = rank`
/// (scaling 1), smaller ranks in `rank_pattern` and `alpha_pattern` under full module names, and
/// `target_modules` listing the full module names so that exactly the decomposed modules are selected.
struct ExtractedAdapter {
    struct Factor {
        /// The module path (tensor name without `.weight`).
        var module: String
        var factorization: LowRankFactorization
    }

    struct Replacement {
        /// The base tensor it replaces.
        var tensor: String
        var dtype: DType
        var shape: [Int]
        var bytes: [UInt8]
    }

    /// The rank asked for: `r` and `lora_alpha`.
    var rank: Int
    /// What `base_model_name_or_path` says (the base's name).
    var baseName: String
    /// Whether the factored layers store `[in, out]` weights (GPT-2's Conv1D).
    var fanInFanOut = false
    var factors: [Factor] = []
    var replacements: [Replacement] = []

    /// `adapter_config.json`, keys in the order PEFT writes them (sorted).
    var config: JSONValue {
        let smaller = factors.filter { $0.factorization.rank != rank }.sorted { $0.module < $1.module }
        let pattern = JSONValue.object(JSONObject(smaller.map { ($0.module, .int($0.factorization.rank)) }))
        let saved = Set(replacements.map { Self.module(of: $0.tensor) }).sorted()
        let members: [(String, JSONValue)] = [
            ("alpha_pattern", pattern),
            ("base_model_name_or_path", .string(baseName)),
            ("bias", "none"),
            ("fan_in_fan_out", .bool(fanInFanOut)),
            ("inference_mode", true),
            ("init_lora_weights", true),
            ("layers_pattern", .null),
            ("layers_to_transform", .null),
            ("lora_alpha", .int(rank)),
            ("lora_dropout", .number("0.0")),
            ("modules_to_save", saved.isEmpty ? .null : .array(saved.map { .string($0) })),
            ("peft_type", "LORA"),
            ("r", .int(rank)),
            ("rank_pattern", pattern),
            ("revision", .null),
            ("target_modules", .array(factors.map(\.module).sorted().map { .string($0) })),
            ("task_type", .null),
            ("use_dora", false),
            ("use_rslora", false),
        ]
        return .object(JSONObject(members))
    }

    /// The module a full tensor belongs to (its name without the parameter).
    static func module(of tensor: String) -> String {
        guard let dot = tensor.lastIndex(of: ".") else { return tensor }
        return String(tensor[..<dot])
    }

    /// Writes the two files into the existing directory `dir` (plain writes; the caller owns `dir`).
    ///
    /// - Throws: ``RegistryError`` `.io` when a file cannot be written.
    func write(to dir: String) throws(RegistryError) {
        var tensors: [(name: String, dtype: DType, shape: [Int], bytes: [UInt8])] = []
        for f in factors.sorted(by: { $0.module < $1.module }) {
            let x = f.factorization
            tensors.append(("base_model.model.\(f.module).lora_A.weight", .f32, [x.rank, x.columns], Self.float32Bytes(x.a)))
            tensors.append(("base_model.model.\(f.module).lora_B.weight", .f32, [x.rows, x.rank], Self.float32Bytes(x.b)))
        }
        for r in replacements.sorted(by: { $0.tensor < $1.tensor }) {
            tensors.append(("base_model.model.\(r.tensor)", r.dtype, r.shape, r.bytes))
        }
        do {
            try SafetensorsLayout.write(to: dir + "/adapter_model.safetensors", tensors: tensors, metadata: [("format", "pt")])
        } catch {
            throw .io("cannot write the extracted adapter: \(error)")
        }
        var text = JSONWriter.canonical.bytes(config)
        text.append(UInt8(ascii: "\n"))
        do {
            try PullCopier.write(text, to: dir + "/adapter_config.json")
        } catch {
            throw .io("cannot write the extracted adapter's config: \(error)")
        }
    }

    /// Little-endian float32 bytes of `values`, each rounded once from float64.
    static func float32Bytes(_ values: [Double]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * 4)
        for (i, v) in values.enumerated() {
            let bits = Float(v).bitPattern.littleEndian
            out[4 * i] = UInt8(truncatingIfNeeded: bits)
            out[4 * i + 1] = UInt8(truncatingIfNeeded: bits >> 8)
            out[4 * i + 2] = UInt8(truncatingIfNeeded: bits >> 16)
            out[4 * i + 3] = UInt8(truncatingIfNeeded: bits >> 24)
        }
        return out
    }
}
