public import LoomJSON

extension AdapterAnalysis {
    /// What the analysis found, as JSON for the catalog and `loom show`: every adapted module with its
    /// kind, rank, alpha and scaling; replacements; untying; notes. Deterministic for equal inputs.
    public var summaryJSON: JSONValue {
        var object = JSONObject()
        object["peft_type"] = .string(config.peftType.rawValue)
        object["modules"] = .array(modules.map { m in
            var o = JSONObject()
            o["module"] = .string(m.module)
            o["target"] = .string(m.target)
            if m.source != m.target { o["source"] = .string(m.source) }
            o["kind"] = .string(m.kind.rawValue)
            if let lora = m.lora {
                o["rank"] = .int(lora.rank)
                o["alpha"] = .double(lora.alpha)
                o["scaling"] = .double(lora.scaling)
                o["dora"] = .bool(lora.magnitudeKey != nil)
                if let target = lora.biasTarget { o["lora_bias"] = .string(target) }
            }
            if let ia3 = m.ia3 {
                o["feedforward"] = .bool(ia3.feedforward)
                if let target = ia3.biasTarget { o["scaled_bias"] = .string(target) }
            }
            return .object(o)
        })
        object["replacements"] = .array(replacements.map { r in
            .object(["key": .string(r.key), "target": .string(r.target), "shape": .array(r.shape.map { .int($0) }), "resized": .bool(r.resized)])
        })
        object["unties_head"] = .bool(untiesHead)
        object["notes"] = .array(notes.map { .string($0) })
        return .object(object)
    }
}
