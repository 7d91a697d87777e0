extension BaseModel {
    /// Whether transformers quantizes tensor `name` when it loads this base in 4 bits
    /// (`BitsAndBytesConfig(load_in_4bit=True)`), decided from the tensor names and shapes as
    /// transformers decides from the modules: the 2-D weight of every `nn.Linear`, except the output head
    /// (`lm_head`, and so anything tied to the input embedding), embeddings, MoE expert parameters
    /// (`….experts.…`: fused `nn.Parameter`s in transformers 5, whatever the checkpoint stores) and MoE routers
    /// (`mlp.gate`, `mlp.router`, `block_sparse_moe.gate`: parameters of router modules, not `nn.Linear`).
    /// Norms and biases are 1-D and never quantized.
    public func isQuantizedOnLoad(_ name: String) -> Bool {
        guard name.hasSuffix(".weight") else { return false }
        let path = String(name.dropLast(".weight".count))
        guard isLinearForAllLinear(path), !isConv1D(module: path) else { return false }
        let parts = path.split(separator: ".")
        if parts.contains("experts") { return false }
        if let last = parts.last, parts.count >= 2 {
            let parent = parts[parts.count - 2]
            if last == "router" || (last == "gate" && (parent == "mlp" || parent == "block_sparse_moe")) { return false }
        }
        return true
    }

    /// Whether any layer of this base is a `Conv1D` (GPT-2 family), whose 4-bit load loom does not model.
    public var hasConv1DLayers: Bool {
        modules.contains { isConv1D(module: $0) }
    }
}
