import LoomJSON
import Merge

extension FuzzEntries {
    /// Feeds `data` to ``AdapterConfig/parse(_:)``; when it parses, validates adapter tensors derived
    /// from it against ``SyntheticBase/llama`` and ``SyntheticBase/gpt2`` with ``AdapterAnalysis``, and
    /// plans what validates with ``MergePlan``, alone and paired with itself.
    ///
    /// Everything refuses with ``MergeError`` (typed throws make anything else impossible), so a trap
    /// or a hang is the only way to fail besides a broken promise. Promises checked: an accepted LoRA
    /// config has `r > 0` and a finite `lora_alpha ≥ 0`, an IA3 one neither; pattern values are in
    /// range; the config's JSON written canonically parses back to an equal config; an accepted
    /// analysis accounts for every adapter key, has positive ranks and finite scalings, and its summary
    /// JSON round-trips; one validated adapter at weight 1 always plans.
    ///
    /// - Returns: the counts and any broken promise; never throws, and traps only on a bug.
    @discardableResult
    public static func adapterConfig(_ data: UnsafeRawBufferPointer) -> FuzzOutcome {
        var outcome = FuzzOutcome()
        let config: AdapterConfig
        do {
            config = try AdapterConfig.parse(Array(data))
        } catch {
            outcome.refused += 1
            return outcome
        }
        outcome.accepted += 1
        checkConfig(config, into: &outcome)
        let variant = fnv1a(data)
        for base in SyntheticBase.all {
            let tensors = base.adapterTensors(for: config, variant: variant)
            do {
                let analysis = try AdapterAnalysis(config: config, tensors: tensors, base: base.model)
                outcome.accepted += 1
                checkAnalysis(analysis, tensors: tensors, into: &outcome)
                plan(analysis, on: base.model, into: &outcome)
            } catch {
                outcome.refused += 1
            }
        }
        return outcome
    }

    static func checkConfig(_ config: AdapterConfig, into outcome: inout FuzzOutcome) {
        switch config.peftType {
        case .lora:
            outcome.expect((config.r ?? 0) > 0, "accepted a LORA config with r = \(String(describing: config.r))")
            outcome.expect(
                config.loraAlpha.map { $0.isFinite && $0 >= 0 } ?? false,
                "accepted a LORA config with lora_alpha = \(String(describing: config.loraAlpha))")
        case .ia3:
            outcome.expect(config.r == nil && config.loraAlpha == nil, "an IA3 config carries a LoRA rank or alpha")
        }
        outcome.expect(config.rankPattern.allSatisfy { $0.value > 0 }, "accepted a rank_pattern value ≤ 0")
        outcome.expect(config.alphaPattern.allSatisfy { $0.value.isFinite && $0.value >= 0 }, "accepted a bad alpha_pattern value")
        outcome.expect(!(config.useDora && config.loraBias), "accepted use_dora together with lora_bias")
        let written = JSONWriter.canonical.bytes(.object(config.json))
        do {
            let again = try AdapterConfig.parse(written)
            outcome.expect(again == config, "the config written canonically parses to a different config")
        } catch {
            outcome.violations.append("the config written canonically is refused: \(error)")
        }
    }

    static func checkAnalysis(_ analysis: AdapterAnalysis, tensors: [TensorDescriptor], into outcome: inout FuzzOutcome) {
        var used = Set(analysis.replacements.map(\.key))
        for module in analysis.modules {
            if let lora = module.lora {
                used.formUnion([lora.aKey, lora.bKey] + [lora.magnitudeKey, lora.biasKey].compactMap { $0 })
                outcome.expect(
                    lora.rank > 0 && lora.scaling.isFinite && lora.alpha.isFinite,
                    "module \(module.module) has rank \(lora.rank), scaling \(lora.scaling)")
            }
            if let ia3 = module.ia3 { used.insert(ia3.key) }
            outcome.expect((module.lora == nil) != (module.ia3 == nil), "module \(module.module) is neither or both LoRA and IA3")
        }
        let names = Set(tensors.map(\.name))
        outcome.expect(used == names, "accepted keys not accounted for: \(names.symmetricDifference(used).sorted().prefix(3))")
        let summary = analysis.summaryJSON
        do {
            let again = try JSONParser().parse(JSONWriter.canonical.bytes(summary))
            outcome.expect(again == summary, "the analysis summary does not round-trip through JSON")
        } catch {
            outcome.violations.append("the analysis summary is not valid JSON: \(error)")
        }
    }

    static func plan(_ analysis: AdapterAnalysis, on base: BaseModel, into outcome: inout FuzzOutcome) {
        do {
            let plan = try MergePlan(base: base, inputs: [.init(analysis: analysis, weight: 1, digest: "sha256:a")])
            outcome.accepted += 1
            for tensor in plan.tensors.values where !tensor.lowRank.isEmpty {
                outcome.expect(tensor.shape.count == 2, "low-rank plan for \(tensor.name) has shape \(tensor.shape)")
            }
        } catch {
            outcome.violations.append("one validated adapter at weight 1 does not plan: \(error)")
        }
        let pair: [MergePlan.Input] = [
            .init(analysis: analysis, weight: 0.5, digest: "sha256:b"), .init(analysis: analysis, weight: -0.5, digest: "sha256:a"),
        ]
        do {
            _ = try MergePlan(base: base, inputs: pair)
            outcome.accepted += 1
        } catch {
            outcome.refused += 1
        }
    }
}
