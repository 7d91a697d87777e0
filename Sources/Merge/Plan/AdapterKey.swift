/// One tensor key of an adapter file, split into the module it belongs to and its role
/// (peft-merge-semantics §2.1–§2.2).
struct AdapterKey: Equatable {
    enum Role: Hashable {
        case loraA, loraB, loraBBias
        case embeddingA, embeddingB
        case magnitude
        case ia3
        /// A full tensor that replaces base tensor `module + "." + parameter` (modules_to_save, saved
        /// embeddings, `base_layer.*`, trained biases).
        case replacement(parameter: String)
    }

    /// The prefix PEFT writes in front of every key, for every task type.
    static let prefix = "base_model.model."

    /// The key as stored in the file.
    let key: String
    /// The module path as the adapter names it (the trained model's `named_modules()` path).
    let module: String
    let role: Role

    /// The tensor this key replaces, for replacements.
    var replacedTensor: String? {
        if case .replacement(let parameter) = role { return module + "." + parameter }
        return nil
    }

    private static let suffixes: [(String, Role)] = [
        (".lora_A.weight", .loraA),
        (".lora_B.weight", .loraB),
        (".lora_B.bias", .loraBBias),
        (".lora_embedding_A", .embeddingA),
        (".lora_embedding_B", .embeddingB),
        (".lora_magnitude_vector.weight", .magnitude),
        (".lora_magnitude_vector", .magnitude),
        (".ia3_l", .ia3),
        (".base_layer.weight", .replacement(parameter: "weight")),
        (".base_layer.bias", .replacement(parameter: "bias")),
    ]

    /// Parses a key; throws for keys of methods or layouts loom does not merge, naming the key.
    init(_ key: String) throws(MergeError) {
        self.key = key
        guard key.hasPrefix(Self.prefix) else {
            throw .invalid("adapter key \(MessageText.quoted(key)) does not start with \"\(Self.prefix)\" as PEFT writes every key")
        }
        let rest = String(key.dropFirst(Self.prefix.count))
        for (suffix, role) in Self.suffixes where rest.hasSuffix(suffix) {
            let module = String(rest.dropLast(suffix.count))
            guard !module.isEmpty, !module.hasPrefix("."), !module.hasSuffix(".") else { break }
            if module.contains(".base_layer") {
                throw .unsupported("adapter key \(MessageText.quoted(key)): nested base_layer (LoRA on raw parameters) is not supported")
            }
            self.module = module
            self.role = role
            return
        }
        let components = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard components.count >= 2, !components.contains(where: \.isEmpty) else {
            throw .invalid("adapter key \(MessageText.quoted(key)) is not a module path followed by a parameter name")
        }
        let tunerMarkers = [
            "lora_", "ia3_", "modules_to_save", "original_module", "trainable_tokens", "ranknum", "hada_", "lokr_", "oft_",
            "boft_", "vera_", "base_layer",
        ]
        if let marker = tunerMarkers.first(where: { m in components.contains(where: { $0.hasPrefix(m) }) }) {
            throw .unsupported("adapter key \(MessageText.quoted(key)) (\(marker)…) is not a LoRA, DoRA or IA3 tensor loom can merge")
        }
        module = components.dropLast().joined(separator: ".")
        role = .replacement(parameter: String(components.last!))
    }
}
