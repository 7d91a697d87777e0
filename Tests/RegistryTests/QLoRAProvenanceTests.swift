import LoomCore
import LoomJSON
import LoomTesting
import Merge
import Safetensors
import Testing

@testable import Registry

/// A QLoRA-faithful build records its options where a combination records its own: in the recorded
/// recipe (the key's input), the provenance, the in-toto predicate; `verify --rebuild` reads them back.
@Suite struct QLoRAProvenanceTests {
    private func build(_ harness: RegistryHarness, qlora: QLoRAOptions?) throws -> BuildResult {
        try harness.registry.build(BuildRequest(
            target: .explicit(base: Reference(name: "llama-q"), adapters: [WeightedReference(reference: Reference(name: "q-qv"), weight: 1)]),
            qlora: qlora))
    }

    @Test func optionsAreInTheRecipeProvenanceAndStatement() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-q", fixtures: Fixtures.v2Root)
        try harness.addAdapter("q-qv", fixtures: Fixtures.v2Root)
        let built = try build(harness, qlora: QLoRAOptions())
        let recorded = try #require(try harness.registry.existingCatalog()?.artifact(key: built.artifact.key))
        let expected: JSONValue = .object(["quant_type": .string("nf4"), "blocksize": .int(64), "double_quant": .bool(true)])
        #expect(recorded.recipe["qlora"] == expected)
        #expect(recorded.provenance["qlora"] == expected)
        #expect(recorded.provenance["asked"]?["qlora"] == expected)
        let definition = InTotoStatement.statement(for: recorded)["predicate"]?["buildDefinition"]
        #expect(definition?["externalParameters"]?["qlora"] == expected)
        #expect(definition?["internalParameters"]?["recipe"]?["qlora"] == expected)
        let plain = try build(harness, qlora: nil)
        #expect(plain.artifact.recipe["qlora"] == nil && plain.artifact.key != built.artifact.key)
    }

    @Test func rebuildOfAQLoRABuildIsIdentical() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-q", fixtures: Fixtures.v2Root)
        try harness.addAdapter("q-qv", fixtures: Fixtures.v2Root)
        let built = try build(harness, qlora: QLoRAOptions(doubleQuant: false))
        let report = try harness.registry.rebuild(key: built.artifact.key)
        #expect(report.isIdentical, "\(report.files)")
        #expect(report.notes.contains("QLoRA-faithful: nf4 (no double quant)"), "\(report.notes)")
    }
}

/// Which tensors a 4-bit load quantizes (§10.2), decided from names and shapes.
@Suite struct QuantizedOnLoadTests {
    @Test func linearWeightsOnlyNotHeadEmbeddingsNormsExpertsOrRouters() {
        let shapes: [(String, [Int])] = [
            ("model.embed_tokens.weight", [8, 4]), ("lm_head.weight", [8, 4]), ("model.norm.weight", [4]),
            ("model.layers.0.self_attn.q_proj.weight", [4, 4]), ("model.layers.0.self_attn.q_proj.bias", [4]),
            ("model.layers.0.mlp.experts.0.gate_proj.weight", [6, 4]), ("model.layers.0.mlp.gate.weight", [2, 4]),
            ("model.layers.0.mlp.router.weight", [2, 4]), ("model.layers.0.block_sparse_moe.gate.weight", [2, 4]),
            ("model.layers.0.mlp.down_proj.weight", [4, 6]),
        ]
        let base = BaseModel(
            tensors: shapes.map { TensorDescriptor(name: $0.0, dtype: "BF16", shape: $0.1) },
            config: ["model_type": .string("llama"), "vocab_size": .int(8)])
        let quantized = shapes.map(\.0).filter { base.isQuantizedOnLoad($0) }.sorted()
        #expect(quantized == ["model.layers.0.mlp.down_proj.weight", "model.layers.0.self_attn.q_proj.weight"])
    }
}
