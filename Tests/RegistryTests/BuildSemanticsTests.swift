import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// Merge semantics the PEFT fixtures do not cover, each checked against a float64 computation
/// written independently in the test (SyntheticAdapter).
@Suite struct BuildSemanticsTests {
    let temp: TemporaryDirectory
    let harness: RegistryHarness

    init() throws {
        temp = try TemporaryDirectory(prefix: "loom-synthetic")
        harness = try RegistryHarness()
    }

    func build(_ adapters: [(String, Double)], base: String, dtype: ModelDType? = nil) throws -> BuildResult {
        try harness.registry.build(BuildRequest(
            target: .explicit(base: Reference(name: base), adapters: adapters.map { WeightedReference(reference: Reference(name: $0.0), weight: $0.1) }),
            dtype: dtype))
    }

    func gpt2Base() throws -> TensorFile { try TensorFile(Fixtures.path("bases/gpt2-tiny/model.safetensors")) }

    func config(_ path: String) throws -> JSONValue {
        try JSONParser().parse(Array(FileManager.default.contents(atPath: path + "/config.json") ?? Data()))
    }

    @Test func loraOnATiedHeadUntiesItAndKeepsTheEmbedding() throws {
        try harness.addBase("gpt2-tiny")
        let a = SyntheticAdapter.random("base_model.model.lm_head.lora_A.weight", [2, 64], seed: 1)
        let b = SyntheticAdapter.random("base_model.model.lm_head.lora_B.weight", [200, 2], seed: 2)
        let dir = try SyntheticAdapter.write(
            in: temp, name: "head", config: #"{"peft_type": "LORA", "r": 2, "lora_alpha": 4, "target_modules": ["lm_head"]}"#, tensors: [a, b])
        _ = try harness.registry.registerAdapter(directory: dir, name: "head", base: Reference(name: "gpt2-tiny"))
        let result = try build([("head", 1)], base: "gpt2-tiny")
        #expect(result.notes.contains { $0.contains("unties") })
        let out = try TensorFile(result.path + "/model.safetensors")
        let base = try gpt2Base()
        let wte = try #require(base.tensors["transformer.wte.weight"])
        #expect(out.tensors["transformer.wte.weight"]?.bytes == wte.bytes)
        let head = try #require(out.tensors["lm_head.weight"])
        #expect(head.shape == [200, 64])
        let delta = SyntheticAdapter.product(b, a)
        let expected = zip(wte.values, delta).map { $0 + 2 * $1 }
        #expect(MergeBar.withinOneRounding(head.values, exact: expected, dtype: .f32))
        #expect(try config(result.path)["tie_word_embeddings"] == .bool(false))
    }

    @Test func embeddingLoRAOnATiedBaseLeavesTheHeadAsItWas() throws {
        try harness.addBase("gpt2-tiny")
        let a = SyntheticAdapter.random("base_model.model.transformer.wte.lora_embedding_A", [2, 200], seed: 3)
        let b = SyntheticAdapter.random("base_model.model.transformer.wte.lora_embedding_B", [64, 2], seed: 4)
        let dir = try SyntheticAdapter.write(
            in: temp, name: "emb", config: #"{"peft_type": "LORA", "r": 2, "lora_alpha": 2, "target_modules": ["wte"]}"#, tensors: [a, b])
        _ = try harness.registry.registerAdapter(directory: dir, name: "emb", base: Reference(name: "gpt2-tiny"))
        let result = try build([("emb", 1)], base: "gpt2-tiny")
        let out = try TensorFile(result.path + "/model.safetensors")
        let wte = try #require(try gpt2Base().tensors["transformer.wte.weight"])
        #expect(out.tensors["lm_head.weight"]?.bytes == wte.bytes)
        // ΔW = (B_e·A_e)ᵀ · s, shape [V, H].
        let delta = SyntheticAdapter.transpose(SyntheticAdapter.product(b, a), rows: 64, cols: 200)
        let merged = try #require(out.tensors["transformer.wte.weight"])
        #expect(MergeBar.withinOneRounding(merged.values, exact: zip(wte.values, delta).map { $0 + $1 }, dtype: .f32))
    }

    @Test func loraBiasAddsTheScaledBias() throws {
        try harness.addBase("gpt2-tiny")
        let prefix = "base_model.model.transformer.h.0.attn.c_attn"
        let a = SyntheticAdapter.random(prefix + ".lora_A.weight", [2, 64], seed: 5)
        let b = SyntheticAdapter.random(prefix + ".lora_B.weight", [192, 2], seed: 6)
        let bias = SyntheticAdapter.random(prefix + ".lora_B.bias", [192], seed: 7)
        let config = #"{"peft_type": "LORA", "r": 2, "lora_alpha": 8, "lora_bias": true, "target_modules": ["h.0.attn.c_attn"]}"#
        let dir = try SyntheticAdapter.write(in: temp, name: "lb", config: config, tensors: [a, b, bias])
        _ = try harness.registry.registerAdapter(directory: dir, name: "lb", base: Reference(name: "gpt2-tiny"))
        let out = try TensorFile(try build([("lb", 1)], base: "gpt2-tiny").path + "/model.safetensors")
        let base = try #require(try gpt2Base().tensors["transformer.h.0.attn.c_attn.bias"])
        let expected = zip(base.values, bias.values).map { $0 + 4 * Double($1) }
        #expect(MergeBar.withinOneRounding(out.tensors["transformer.h.0.attn.c_attn.bias"]?.values ?? [], exact: expected, dtype: .f32))
    }

    @Test func doraOnConv1DNormalisesOutputColumns() throws {
        try harness.addBase("gpt2-tiny")
        let prefix = "base_model.model.transformer.h.1.attn.c_attn"
        let a = SyntheticAdapter.random(prefix + ".lora_A.weight", [4, 64], seed: 8)
        let b = SyntheticAdapter.random(prefix + ".lora_B.weight", [192, 4], seed: 9)
        var m = SyntheticAdapter.random(prefix + ".lora_magnitude_vector", [192], seed: 10)
        m.values = m.values.map { abs($0) + 0.5 }
        let config = #"{"peft_type": "LORA", "r": 4, "lora_alpha": 8, "use_dora": true, "target_modules": ["c_attn"], "layers_to_transform": [1]}"#
        let dir = try SyntheticAdapter.write(in: temp, name: "dora", config: config, tensors: [a, b, m])
        _ = try harness.registry.registerAdapter(directory: dir, name: "dora", base: Reference(name: "gpt2-tiny"))
        let out = try TensorFile(try build([("dora", 1)], base: "gpt2-tiny").path + "/model.safetensors")
        let w = try #require(try gpt2Base().tensors["transformer.h.1.attn.c_attn.weight"])  // [in 64, out 192]
        let delta = SyntheticAdapter.transpose(SyntheticAdapter.product(b, a), rows: 192, cols: 64)
        var v = zip(w.values, delta).map { $0 + 2 * $1 }
        for j in 0..<192 {
            let norm = (0..<64).reduce(0.0) { $0 + v[$1 * 192 + j] * v[$1 * 192 + j] }.squareRoot()
            for i in 0..<64 { v[i * 192 + j] *= Double(m.values[j]) / norm }
        }
        #expect(MergeBar.withinOneRounding(out.tensors["transformer.h.1.attn.c_attn.weight"]?.values ?? [], exact: v, dtype: .f32))
    }

    @Test func ia3ScalesOutputRowsAndFeedForwardInputColumns() throws {
        try harness.addBase("llama-tiny")
        let k = SyntheticAdapter.random("base_model.model.model.layers.0.self_attn.k_proj.ia3_l", [32, 1], seed: 11, scale: 2)
        let down = SyntheticAdapter.random("base_model.model.model.layers.0.mlp.down_proj.ia3_l", [1, 168], seed: 12, scale: 2)
        let config = #"{"peft_type": "IA3", "target_modules": ["layers.0.self_attn.k_proj", "layers.0.mlp.down_proj"], "feedforward_modules": ["down_proj"]}"#
        let dir = try SyntheticAdapter.write(in: temp, name: "ia3", config: config, tensors: [k, down])
        _ = try harness.registry.registerAdapter(directory: dir, name: "ia3", base: Reference(name: "llama-tiny"))
        let result = try build([("ia3", 1)], base: "llama-tiny", dtype: .f32)
        let out = try TensorFile(result.path + "/model.safetensors")
        let base = try TensorFile(Fixtures.path("bases/llama-tiny/model.safetensors"))
        let wk = try #require(base.tensors["model.layers.0.self_attn.k_proj.weight"])  // [32, 64]
        let expectedK = wk.values.enumerated().map { $0.element * Double(k.values[$0.offset / 64]) }
        #expect(MergeBar.withinOneRounding(out.tensors["model.layers.0.self_attn.k_proj.weight"]?.values ?? [], exact: expectedK, dtype: .f32))
        let wd = try #require(base.tensors["model.layers.0.mlp.down_proj.weight"])  // [64, 168]
        let expectedD = wd.values.enumerated().map { $0.element * Double(down.values[$0.offset % 168]) }
        #expect(MergeBar.withinOneRounding(out.tensors["model.layers.0.mlp.down_proj.weight"]?.values ?? [], exact: expectedD, dtype: .f32))
    }

    @Test func f16OverflowStopsTheBuildNamingTheTensor() throws {
        try harness.addBase("llama-tiny")
        let prefix = "base_model.model.model.layers.1.self_attn.q_proj"
        let a = SyntheticAdapter.random(prefix + ".lora_A.weight", [1, 64], seed: 13, scale: 300)
        let b = SyntheticAdapter.random(prefix + ".lora_B.weight", [64, 1], seed: 14, scale: 300)
        let dir = try SyntheticAdapter.write(
            in: temp, name: "big", config: #"{"peft_type": "LORA", "r": 1, "lora_alpha": 1, "target_modules": ["layers.1.self_attn.q_proj"]}"#,
            tensors: [a, b])
        _ = try harness.registry.registerAdapter(directory: dir, name: "big", base: Reference(name: "llama-tiny"))
        #expect {
            _ = try build([("big", 1)], base: "llama-tiny", dtype: .f16)
        } throws: { error in
            "\(error)".contains("model.layers.1.self_attn.q_proj.weight") && "\(error)".contains("F16")
        }
        #expect(try harness.registry.list().artifacts.isEmpty)
        #expect(try build([("big", 1)], base: "llama-tiny", dtype: .bf16).cached == false)
    }

    @Test func weightedReplacementsAreRefused() throws {
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-mts")
        #expect(throws: RegistryError.self) { _ = try build([("llama-mts", 0.5)], base: "llama-tiny") }
    }

    @Test func doraCannotBeCombinedWithAnotherAdapter() throws {
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-dora")
        try harness.addAdapter("llama-qv")
        #expect {
            _ = try build([("llama-dora", 1), ("llama-qv", 1)], base: "llama-tiny")
        } throws: { error in
            "\(error)".contains("DoRA")
        }
    }
}
