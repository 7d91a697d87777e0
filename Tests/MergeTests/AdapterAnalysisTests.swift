import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

@testable import Merge

/// Every fixture adapter validates against its base with the right per-module facts; the planner
/// refuses what it must, naming the culprit.
@Suite struct AdapterAnalysisTests {
    static func base(_ name: String) throws -> BaseModel {
        let header = try SafetensorsFile.readHeader(atPath: Fixtures.path("bases/\(name)/model.safetensors"))
        let config = try JSONParser().parse(Array(FileManager.default.contents(atPath: Fixtures.path("bases/\(name)/config.json"))!))
        return BaseModel(
            tensors: header.tensors.map { TensorDescriptor(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape) },
            config: config.objectValue)
    }

    static func analyze(_ adapterDir: String, base: String) throws -> AdapterAnalysis {
        let config = try AdapterConfig.parse(Array(FileManager.default.contents(atPath: adapterDir + "/adapter_config.json")!))
        let header = try SafetensorsFile.readHeader(atPath: adapterDir + "/adapter_model.safetensors")
        return try AdapterAnalysis(
            config: config, tensors: header.tensors.map { TensorDescriptor(name: $0.name, dtype: $0.dtype.rawValue, shape: $0.shape) },
            base: Self.base(base))
    }

    @Test func plainLoRAOnLlamaHasScalingAlphaOverR() throws {
        let a = try Self.analyze(Fixtures.path("adapters/llama-qv"), base: "llama-tiny")
        #expect(a.modules.count == 6)
        #expect(a.modules.allSatisfy { $0.kind == .linear && $0.lora?.rank == 8 && $0.lora?.scaling == 2.0 })
        #expect(a.modules.map(\.target).contains("model.layers.0.self_attn.v_proj.weight"))
        #expect(a.replacements.isEmpty && !a.untiesHead)
    }

    @Test func rsloraWithPatternsGivesPerModuleScaling() throws {
        let a = try Self.analyze(Fixtures.path("adapters/llama-all-rslora"), base: "llama-tiny")
        #expect(a.modules.count == 21)
        let down = try #require(a.modules.first { $0.module.hasSuffix("layers.1.mlp.down_proj") }?.lora)
        #expect(down.rank == 4 && down.alpha == 32 && down.scaling == 16)  // 32/√4
        let o = try #require(a.modules.first { $0.module.hasSuffix("layers.0.self_attn.o_proj") }?.lora)
        #expect(o.rank == 16 && o.alpha == 8 && o.scaling == 2)  // 8/√16
        let q = try #require(a.modules.first { $0.module.hasSuffix("layers.2.self_attn.q_proj") }?.lora)
        #expect(q.rank == 16 && q.scaling == 8)  // 32/√16
    }

    @Test func layersToTransformSelectsLayerZeroAndTwo() throws {
        let a = try Self.analyze(Fixtures.path("adapters/llama-layers"), base: "llama-tiny")
        #expect(a.modules.map(\.target) == ["model.layers.0.self_attn.q_proj.weight", "model.layers.2.self_attn.q_proj.weight"])
    }

    @Test func gpt2Conv1DIsTransposedAndBiasesAreReplacements() throws {
        let a = try Self.analyze(Fixtures.path("adapters/gpt2-c-attn"), base: "gpt2-tiny")
        #expect(a.modules.count == 6)
        #expect(a.modules.allSatisfy { $0.kind == .conv1D })
        let square = try #require(a.modules.first { $0.module == "transformer.h.0.attn.c_proj" })
        #expect(square.outFeatures == 64 && square.inFeatures == 64)
        let mlp = try #require(a.modules.first { $0.module == "transformer.h.0.mlp.c_proj" })
        #expect(mlp.inFeatures == 256 && mlp.outFeatures == 64)
        #expect(a.replacements.map(\.target).contains("transformer.h.0.attn.c_attn.bias"))
        #expect(a.replacements.count == 6)
    }

    @Test func doraRecordsMagnitudesOnRows() throws {
        let a = try Self.analyze(Fixtures.path("adapters/llama-dora"), base: "llama-tiny")
        #expect(a.modules.allSatisfy { $0.lora?.magnitudeKey != nil })
    }

    @Test func embeddingLoRAWithSavedBaseLayer() throws {
        let a = try Self.analyze(Fixtures.path("adapters/llama-embed"), base: "llama-tiny")
        let e = try #require(a.modules.first { $0.kind == .embedding })
        #expect(e.target == "model.embed_tokens.weight" && e.inFeatures == 256 && e.outFeatures == 64)
        #expect(a.replacements.map(\.target) == ["model.embed_tokens.weight"])
    }

    @Test func modulesToSaveReplacesTheHead() throws {
        let a = try Self.analyze(Fixtures.path("adapters/llama-mts"), base: "llama-tiny")
        #expect(a.replacements.map(\.target) == ["lm_head.weight"])
    }

    @Test(arguments: [
        ("rank-mismatch", "rank 8 but the config gives r=3"),
        ("wrong-base-shape", "an adapter for another base"),
        ("unknown-target", "qq_proj"),
    ])
    func badFixturesAreRefusedNamingTheProblem(_ name: String, _ expected: String) throws {
        #expect {
            _ = try Self.analyze(Fixtures.path("bad/\(name)"), base: "llama-tiny")
        } throws: { error in
            "\(error)".contains(expected)
        }
    }

    @Test func loraOnATiedHeadUntiesIt() throws {
        let base = try Self.base("gpt2-tiny")
        #expect(base.headIsTied && base.inputEmbedding == "transformer.wte.weight")
        let config = try AdapterConfig.parse(Array(#"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["lm_head"]}"#.utf8))
        let a = try AdapterAnalysis(
            config: config,
            tensors: [
                TensorDescriptor(name: "base_model.model.lm_head.lora_A.weight", dtype: "F32", shape: [2, 64]),
                TensorDescriptor(name: "base_model.model.lm_head.lora_B.weight", dtype: "F32", shape: [200, 2]),
            ], base: base)
        #expect(a.untiesHead)
        #expect(a.modules.first?.target == "lm_head.weight" && a.modules.first?.source == "transformer.wte.weight")
        let plan = try MergePlan(base: base, inputs: [.init(analysis: a, weight: 1, digest: "sha256:x")])
        #expect(plan.untiesHead && plan.added.map(\.name) == ["lm_head.weight"])
        #expect(plan.tensors["transformer.wte.weight"] == nil)
    }

    @Test func missingLoraBIsRefused() throws {
        let config = try AdapterConfig.parse(Array(#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj"]}"#.utf8))
        #expect(throws: MergeError.self) {
            _ = try AdapterAnalysis(
                config: config,
                tensors: [TensorDescriptor(name: "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight", dtype: "F32", shape: [8, 64])],
                base: try Self.base("llama-tiny"))
        }
    }

    @Test func multiAdapterDoRAIsRefused() throws {
        let dora = try Self.analyze(Fixtures.path("adapters/llama-dora"), base: "llama-tiny")
        let qv = try Self.analyze(Fixtures.path("adapters/llama-qv"), base: "llama-tiny")
        #expect(throws: MergeError.self) {
            _ = try MergePlan(base: try Self.base("llama-tiny"), inputs: [.init(analysis: dora, weight: 1, digest: "a"), .init(analysis: qv, weight: 1, digest: "b")])
        }
    }

    @Test func lowRankTermsAreInCanonicalOrder() throws {
        let a = try Self.analyze(Fixtures.path("adapters/llama-qv"), base: "llama-tiny")
        let b = try Self.analyze(Fixtures.path("adapters/llama-qv-b"), base: "llama-tiny")
        let base = try Self.base("llama-tiny")
        let ab = try MergePlan(base: base, inputs: [.init(analysis: a, weight: 0.7, digest: "sha256:a"), .init(analysis: b, weight: 0.3, digest: "sha256:b")])
        let ba = try MergePlan(base: base, inputs: [.init(analysis: b, weight: 0.3, digest: "sha256:b"), .init(analysis: a, weight: 0.7, digest: "sha256:a")])
        let name = "model.layers.0.self_attn.q_proj.weight"
        #expect(ab.tensors[name]?.lowRank.map(\.coefficient) == [0.7 * 2.0, 0.3 * 4.0])
        #expect(ba.tensors[name]?.lowRank.map(\.coefficient) == ab.tensors[name]?.lowRank.map(\.coefficient))
    }
}
