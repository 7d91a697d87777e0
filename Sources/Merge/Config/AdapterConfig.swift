public import LoomJSON

/// The fields of a PEFT `adapter_config.json` that decide what a merge does.
///
/// Parsing is strict where PEFT is lenient: a LoRA config without `r` or `lora_alpha` is refused rather
/// than given PEFT's defaults, and every variant that changes merge semantics in a way loom does not
/// implement (peft-merge-semantics §1.2, §1.6, §8 item 19) is refused naming the field. Unknown keys
/// from newer PEFT versions are ignored, as PEFT ignores them. A value type; `Sendable`.
public struct AdapterConfig: Sendable, Equatable {
    /// The methods loom merges.
    public enum PeftType: String, Sendable {
        case lora = "LORA"
        case ia3 = "IA3"
    }

    /// Which trained base biases the adapter file may carry (§3.8). Informational: loom decides from the keys present.
    public enum Bias: String, Sendable {
        case none
        case all
        case loraOnly = "lora_only"
    }

    public var peftType: PeftType
    /// Default LoRA rank (nil for IA3).
    public var r: Int?
    /// Default LoRA alpha, a float (nil for IA3).
    public var loraAlpha: Double?
    public var useRslora: Bool
    public var useDora: Bool
    /// Which modules were adapted.
    public var targetModules: ModuleSelector
    /// Modules removed from the match.
    public var excludeModules: ModuleSelector?
    /// IA3 only: the modules whose input (not output) is scaled.
    public var feedforwardModules: ModuleSelector?
    public var layersToTransform: [Int]?
    public var layersPattern: [String]?
    /// Per-module rank overrides, in file order (PEFT matches them in that order).
    public var rankPattern: [(pattern: String, value: Int)]
    /// Per-module alpha overrides, in file order.
    public var alphaPattern: [(pattern: String, value: Double)]
    public var bias: Bias
    public var loraBias: Bool
    public var modulesToSave: [String]
    public var taskType: String?
    public var baseModelNameOrPath: String?
    /// The whole document as parsed.
    public var json: JSONObject

    public static func == (lhs: AdapterConfig, rhs: AdapterConfig) -> Bool { lhs.json == rhs.json }

    /// Parses and checks `adapter_config.json`.
    ///
    /// - Throws: ``MergeError`` (`.invalid` for malformed input, `.unsupported` for variants loom refuses),
    ///   naming the field.
    public static func parse(_ bytes: [UInt8]) throws(MergeError) -> AdapterConfig {
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: 16).parse(bytes)
        } catch {
            throw .invalid("adapter_config.json is not valid JSON: \(error)")
        }
        guard let object = value.objectValue else {
            throw .invalid("adapter_config.json is not a JSON object")
        }
        return try AdapterConfig(object)
    }

    init(_ object: JSONObject) throws(MergeError) {
        let fields = ConfigFields(object)
        json = object
        guard let typeName = object["peft_type"]?.stringValue else {
            throw .invalid("adapter_config.json: peft_type is missing or not a string")
        }
        guard let type = PeftType(rawValue: typeName) else {
            throw .unsupported(Self.refusal(forPeftType: typeName))
        }
        peftType = type
        try fields.refuseUnmergeableVariants(for: type)

        switch type {
        case .lora:
            guard let rValue = object["r"], !rValue.isNull else {
                throw .invalid("adapter_config.json: r is missing (PEFT would assume 8; loom refuses to guess)")
            }
            guard let rank = rValue.intValue, rank > 0 else {
                throw .invalid("adapter_config.json: r must be a positive integer, got \(MessageText.json(rValue))")
            }
            guard let alphaValue = object["lora_alpha"], !alphaValue.isNull else {
                throw .invalid("adapter_config.json: lora_alpha is missing (PEFT would assume 8; loom refuses to guess)")
            }
            guard let alpha = alphaValue.doubleValue, alpha >= 0 else {
                throw .invalid("adapter_config.json: lora_alpha must be a non-negative number, got \(MessageText.json(alphaValue))")
            }
            r = rank
            loraAlpha = alpha
        case .ia3:
            r = nil
            loraAlpha = nil
        }
        useRslora = try fields.bool("use_rslora")
        useDora = try fields.bool("use_dora")
        loraBias = try fields.bool("lora_bias")
        if useDora && loraBias {
            throw .invalid("adapter_config.json: use_dora and lora_bias cannot both be true (PEFT rejects this config)")
        }
        guard let targets = try fields.selector("target_modules") else {
            throw .unsupported(
                "adapter_config.json: target_modules is null (PEFT's per-architecture default); loom needs the explicit list")
        }
        targetModules = targets
        excludeModules = try fields.selector("exclude_modules")
        feedforwardModules = try fields.selector("feedforward_modules")
        layersToTransform = try fields.intList("layers_to_transform")
        layersPattern = try fields.stringList("layers_pattern")
        if layersToTransform != nil, case .regex = targetModules {
            throw .invalid("adapter_config.json: layers_to_transform cannot be combined with a regex target_modules")
        }
        rankPattern = try fields.pattern("rank_pattern") { v in v.intValue.flatMap { $0 > 0 ? $0 : nil } }
        alphaPattern = try fields.pattern("alpha_pattern") { v in v.doubleValue.flatMap { $0 >= 0 ? $0 : nil } }
        let biasName = object["bias"]?.stringValue ?? "none"
        guard let biasMode = Bias(rawValue: biasName) else {
            throw .invalid("adapter_config.json: bias must be \"none\", \"all\" or \"lora_only\", got \(MessageText.quoted(biasName))")
        }
        bias = biasMode
        modulesToSave = try fields.stringList("modules_to_save") ?? []
        taskType = object["task_type"]?.stringValue
        baseModelNameOrPath = object["base_model_name_or_path"]?.stringValue
    }

    static func refusal(forPeftType name: String) -> String {
        let shown = MessageText.plain(name)
        switch name {
        case "PROMPT_TUNING", "PREFIX_TUNING", "P_TUNING", "MULTITASK_PROMPT_TUNING", "ADAPTION_PROMPT", "CPT":
            return "adapter_config.json: peft_type \(shown) is a prompt-learning method: it has no weights to merge"
        case "ADALORA":
            return "adapter_config.json: peft_type ADALORA is not supported (its rank masks and α/(ranknum+1e-5) scaling are not implemented)"
        default:
            return "adapter_config.json: peft_type \(shown) is not supported (loom merges LORA, including DoRA, and IA3)"
        }
    }
}

/// Typed access to config fields with one error message per field.
struct ConfigFields {
    let object: JSONObject

    init(_ object: JSONObject) { self.object = object }

    /// A field counts as set when it is present and not null, false, empty or `{}`.
    func isSet(_ key: String) -> Bool {
        guard let v = object[key] else { return false }
        switch v {
        case .null, .bool(false): return false
        case .array(let a): return !a.isEmpty
        case .object(let o): return o.count > 0
        case .string(let s): return !s.isEmpty
        default: return true
        }
    }

    func refuseUnmergeableVariants(for type: AdapterConfig.PeftType) throws(MergeError) {
        let refused: [(String, String)] = [
            ("layer_replication", "base layers were duplicated before training; PEFT itself refuses to merge"),
            ("target_parameters", "LoRA on raw parameters (MoE experts) is not supported"),
            ("trainable_token_indices", "trainable-token row replacement is not supported"),
            ("alora_invocation_tokens", "activated LoRA (aLoRA) cannot be merged"),
            ("arrow_config", "Arrow routing cannot be merged"),
            ("use_bdlora", "block-diagonal LoRA is not supported"),
            ("velora_config", "VeLoRA is not supported"),
            ("monteclora_config", "MonteCLoRA is not supported"),
            ("kasa_config", "KaSA rewrites the base weight by SVD; not supported"),
            ("use_qalora", "QA-LoRA merges into GPTQ weights only"),
            ("megatron_config", "Megatron parallel layers are not supported"),
        ]
        for (key, reason) in refused where isSet(key) {
            throw .unsupported("adapter_config.json: \(key) is set: \(reason)")
        }
        if let initValue = object["init_lora_weights"], case .string(let name) = initValue {
            let lowered = name.lowercased()
            let rewritesBase = ["pissa", "olora", "corda", "loftq", "lora_ga", "lora-ga"]
            if rewritesBase.contains(where: { lowered == $0 || lowered.hasPrefix($0 + "_") }) {
                throw .unsupported(
                    "adapter_config.json: init_lora_weights \(MessageText.quoted(name)) rewrites or needs data about the base weight at load time; "
                        + "convert the adapter to plain LoRA (PEFT's path_initial_model_for_weight_conversion) first")
            }
        }
    }

    func bool(_ key: String) throws(MergeError) -> Bool {
        guard let v = object[key], !v.isNull else { return false }
        guard let b = v.boolValue else { throw .invalid("adapter_config.json: \(key) must be true or false, got \(MessageText.json(v))") }
        return b
    }

    func selector(_ key: String) throws(MergeError) -> ModuleSelector? {
        guard let v = object[key], !v.isNull else { return nil }
        switch v {
        case .string(let s):
            if s.lowercased() == "all-linear" { return .allLinear }
            return .regex(s)
        case .array(let elements):
            var names: [String] = []
            for e in elements {
                guard let s = e.stringValue else { throw .invalid("adapter_config.json: \(key) must list strings, got \(MessageText.json(e))") }
                names.append(s)
            }
            return .names(names)
        default:
            throw .invalid("adapter_config.json: \(key) must be a list of names or a regex string, got \(MessageText.json(v))")
        }
    }

    func intList(_ key: String) throws(MergeError) -> [Int]? {
        guard let v = object[key], !v.isNull else { return nil }
        if let i = v.intValue { return [i] }
        guard let a = v.arrayValue else { throw .invalid("adapter_config.json: \(key) must be an integer or a list of integers") }
        var out: [Int] = []
        for e in a {
            guard let i = e.intValue else { throw .invalid("adapter_config.json: \(key) must hold integers, got \(MessageText.json(e))") }
            out.append(i)
        }
        return out
    }

    func stringList(_ key: String) throws(MergeError) -> [String]? {
        guard let v = object[key], !v.isNull else { return nil }
        if let s = v.stringValue { return [s] }
        guard let a = v.arrayValue else { throw .invalid("adapter_config.json: \(key) must be a string or a list of strings") }
        var out: [String] = []
        for e in a {
            guard let s = e.stringValue else { throw .invalid("adapter_config.json: \(key) must hold strings, got \(MessageText.json(e))") }
            out.append(s)
        }
        return out
    }

    func pattern<T>(_ key: String, _ convert: (JSONValue) -> T?) throws(MergeError) -> [(pattern: String, value: T)] {
        guard let v = object[key], !v.isNull else { return [] }
        guard let o = v.objectValue else { throw .invalid("adapter_config.json: \(key) must be an object") }
        var out: [(pattern: String, value: T)] = []
        for (k, value) in o.members {
            guard let converted = convert(value) else {
                throw .invalid("adapter_config.json: \(key)[\(MessageText.quoted(k))] has an invalid value \(MessageText.json(value))")
            }
            out.append((k, converted))
        }
        return out
    }
}
