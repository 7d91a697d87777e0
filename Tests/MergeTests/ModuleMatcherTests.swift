import LoomJSON
import Testing

@testable import Merge

@Suite struct ModuleMatcherTests {
    func config(_ json: String) throws -> AdapterConfig {
        try AdapterConfig.parse(Array(json.utf8))
    }

    @Test func rankAndAlphaPatternsFollowFileOrderAndDottedTails() throws {
        let c = try config(
            #"""
            {"peft_type": "LORA", "r": 16, "lora_alpha": 32, "target_modules": ["q_proj", "v_proj", "up_proj"],
             "rank_pattern": {"q_proj": 4, "model.layers.1.self_attn.v_proj": 32, "^model\\.layers\\.2\\..*": 8,
                              "layers.1.mlp.up_proj": 2},
             "alpha_pattern": {"^model\\.layers\\.2\\..*": 7, "q_proj": 3.5}}
            """#)
        let m = try ModuleMatcher(c)
        #expect(m.rank(for: "model.layers.0.self_attn.q_proj", fallback: 16) == 4)
        #expect(m.rank(for: "model.layers.1.self_attn.v_proj", fallback: 16) == 32)
        #expect(m.rank(for: "model.layers.11.self_attn.v_proj", fallback: 16) == 16)
        #expect(m.rank(for: "model.layers.2.mlp.up_proj", fallback: 16) == 8)
        // Two patterns match; the first in file order wins.
        #expect(m.rank(for: "model.layers.2.self_attn.q_proj", fallback: 16) == 4)
        #expect(m.alpha(for: "model.layers.2.self_attn.q_proj", fallback: 32) == 7)
        #expect(m.alpha(for: "model.layers.0.self_attn.q_proj", fallback: 32) == 3.5)
        // Dots in a pattern are regex wildcards, but the pattern must match a dotted tail to the end.
        #expect(m.rank(for: "model.layers.1.mlp.up_proj", fallback: 16) == 2)
        #expect(m.rank(for: "model.layers.11.mlp.up_proj", fallback: 16) == 16)
        #expect(m.rank(for: "model.layers.0.self_attn.xq_proj", fallback: 16) == 16)
    }

    @Test func listTargetsMatchOnDotBoundaries() throws {
        let m = try ModuleMatcher(config(#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj", "self_attn.v_proj"]}"#))
        #expect(m.targets("model.layers.0.self_attn.q_proj", isLinear: true))
        #expect(m.targets("q_proj", isLinear: true))
        #expect(!m.targets("model.layers.0.self_attn.xq_proj", isLinear: true))
        #expect(m.targets("model.layers.0.self_attn.v_proj", isLinear: true))
        #expect(!m.targets("model.layers.0.cross_attn.v_proj", isLinear: true))
    }

    @Test func regexTargetsMustMatchTheWholeName() throws {
        let m = try ModuleMatcher(config(#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ".*\\.(q|v)_proj"}"#))
        #expect(m.targets("model.layers.3.self_attn.q_proj", isLinear: true))
        #expect(!m.targets("model.layers.3.self_attn.q_proj.extra", isLinear: true))
        #expect(!m.targets("model.layers.3.self_attn.k_proj", isLinear: true))
    }

    @Test func excludeAndModulesToSaveWin() throws {
        let m = try ModuleMatcher(config(
            #"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj", "score"], "exclude_modules": ["layers.0.self_attn.q_proj"], "modules_to_save": ["score"]}"#))
        #expect(!m.targets("model.layers.0.self_attn.q_proj", isLinear: true))
        #expect(m.targets("model.layers.1.self_attn.q_proj", isLinear: true))
        #expect(!m.targets("score", isLinear: true))
    }

    @Test func layersToTransformUsesTheFirstNumberedSegment() throws {
        #expect(ModuleMatcher.layerIndex(of: "model.layers.7.mlp.experts.3.w1", patterns: nil) == 7)
        #expect(ModuleMatcher.layerIndex(of: "model.layers.7.mlp.experts.3.w1", patterns: ["experts"]) == 3)
        #expect(ModuleMatcher.layerIndex(of: "layers.0.q_proj", patterns: nil) == nil)
        let m = try ModuleMatcher(config(#"{"peft_type": "LORA", "r": 4, "lora_alpha": 4, "target_modules": ["q_proj"], "layers_to_transform": [0, 2]}"#))
        #expect(m.targets("model.layers.0.self_attn.q_proj", isLinear: true))
        #expect(!m.targets("model.layers.1.self_attn.q_proj", isLinear: true))
        #expect(m.targets("model.layers.2.self_attn.q_proj", isLinear: true))
    }

    @Test func feedforwardListIsAPlainSuffixMatch() throws {
        let m = try ModuleMatcher(config(#"{"peft_type": "IA3", "target_modules": ["k_proj", "down_proj"], "feedforward_modules": ["down_proj", "wo"]}"#))
        #expect(m.isFeedforward("model.layers.0.mlp.down_proj"))
        #expect(m.isFeedforward("encoder.block.0.layer.1.DenseReluDense.wo"))
        #expect(m.isFeedforward("model.xdown_proj"))
        #expect(!m.isFeedforward("model.layers.0.self_attn.k_proj"))
    }

    @Test func conv1DIsDecidedByModelTypeAndLayerName() {
        let gpt2 = BaseModel(tensors: [], config: ["model_type": "gpt2"])
        #expect(gpt2.isConv1D(module: "transformer.h.0.attn.c_proj"))
        #expect(gpt2.isConv1D(module: "transformer.h.0.mlp.c_fc"))
        #expect(!gpt2.isConv1D(module: "lm_head"))
        let llama = BaseModel(tensors: [], config: ["model_type": "llama"])
        #expect(!llama.isConv1D(module: "model.layers.0.mlp.c_proj"))
        let unknown = BaseModel(tensors: [], config: ["model_type": "brand-new-arch"])
        #expect(!unknown.isConv1D(module: "blocks.0.c_attn"))
    }
}
