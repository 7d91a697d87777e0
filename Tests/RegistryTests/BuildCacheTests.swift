import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// The build service: cache keys, hits, determinism, dtype conversion, blob reuse, concurrency.
@Suite struct BuildCacheTests {
    let harness: RegistryHarness

    init() throws {
        harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        try harness.addAdapter("llama-qv-b")
    }

    func build(_ adapters: [(String, Double)], dtype: ModelDType? = nil) throws -> BuildResult {
        try harness.registry.build(BuildRequest(
            target: .explicit(base: Reference(name: "llama-tiny"), adapters: adapters.map { WeightedReference(reference: Reference(name: $0.0), weight: $0.1) }),
            dtype: dtype))
    }

    func fileDigests(_ artifact: ArtifactRecord) -> [String: String] {
        Dictionary(uniqueKeysWithValues: (artifact.files ?? []).map { ($0.path, $0.digest) })
    }

    @Test func secondIdenticalRequestIsACacheHit() throws {
        let first = try harness.registry.build(BuildRequest(target: .named(Reference(name: "llama-qv"))))
        let second = try harness.registry.build(BuildRequest(target: .named(Reference(name: "llama-qv"))))
        #expect(!first.cached && second.cached)
        #expect(first.path == second.path && first.artifact.key == second.artifact.key)
        #expect(second.artifact.lastUsedAt >= first.artifact.lastUsedAt)
        #expect(first.path.hasSuffix(String(first.artifact.key.dropFirst("sha256:".count))))
    }

    @Test func adapterOrderDoesNotChangeTheKeyOrTheBytes() throws {
        let ab = try build([("llama-qv", 0.7), ("llama-qv-b", 0.3)], dtype: .bf16)
        let ba = try build([("llama-qv-b", 0.3), ("llama-qv", 0.7)], dtype: .bf16)
        #expect(ab.artifact.key == ba.artifact.key && ba.cached)
        let other = try build([("llama-qv", 0.3), ("llama-qv-b", 0.7)], dtype: .bf16)
        #expect(other.artifact.key != ab.artifact.key)
    }

    @Test func sameInputsGiveIdenticalBytesAfterTheArtifactIsGone() throws {
        let first = try build([("llama-qv", 1)], dtype: .f16)
        let digests = fileDigests(first.artifact)
        let catalog = try harness.registry.writableCatalog()
        _ = try catalog.deleteArtifact(key: first.artifact.key, reason: "test")
        let baseDigests = Set(try catalog.baseFiles(baseID: try #require(try catalog.base(name: "llama-tiny")).id).map(\.digest))
        for digest in Set(digests.values).subtracting(baseDigests) {
            try harness.registry.blobs.delete(try #require(Digest(parsing: digest)))
        }
        try FileManager.default.removeItem(atPath: first.path)
        let second = try build([("llama-qv", 1)], dtype: .f16)
        #expect(!second.cached)
        #expect(second.artifact.key == first.artifact.key && fileDigests(second.artifact) == digests)
    }

    @Test func missingBlobsTurnAHitIntoARebuild() throws {
        let first = try build([("llama-qv", 1)])
        let weights = try #require(first.artifact.files?.first { $0.path == "model.safetensors" })
        try harness.registry.blobs.delete(try #require(Digest(parsing: weights.digest)))
        let second = try build([("llama-qv", 1)])
        #expect(!second.cached)
        #expect(harness.registry.blobs.contains(try #require(Digest(parsing: weights.digest))))
    }

    @Test func dtypeChangeConvertsUntouchedTensorsAndRewritesConfig() throws {
        let result = try build([("llama-qv", 1)], dtype: .f32)
        let out = try TensorFile(result.path + "/model.safetensors")
        let base = try TensorFile(Fixtures.path("bases/llama-tiny/model.safetensors"))
        let norm = try #require(out.tensors["model.norm.weight"])
        #expect(norm.dtype == .f32 && norm.values == base.tensors["model.norm.weight"]?.values)
        let config = try JSONParser().parse(Array(FileManager.default.contents(atPath: result.path + "/config.json") ?? Data()))
        #expect(config["dtype"] == .string("float32"))
        #expect(config["tie_word_embeddings"] == .bool(false))
        #expect(result.artifact.dtype == "f32")
    }

    @Test func sameDtypeReusesConfigAndGenerationConfigBlobs() throws {
        let result = try build([("llama-qv", 1)])
        let catalog = try harness.registry.writableCatalog()
        let base = try #require(try catalog.base(name: "llama-tiny"))
        let baseFiles = Dictionary(uniqueKeysWithValues: try catalog.baseFiles(baseID: base.id).map { ($0.path, $0.digest) })
        let files = fileDigests(result.artifact)
        #expect(files["config.json"] == baseFiles["config.json"])
        #expect(files["generation_config.json"] == baseFiles["generation_config.json"])
        #expect(files["model.safetensors"] != baseFiles["model.safetensors"])
    }

    @Test func negativeWeightSubtractsTheDelta() throws {
        let plus = try TensorFile(try build([("llama-qv", 1)], dtype: .f32).path + "/model.safetensors")
        let minus = try TensorFile(try build([("llama-qv", -1)], dtype: .f32).path + "/model.safetensors")
        let base = try TensorFile(Fixtures.path("bases/llama-tiny/model.safetensors"))
        let name = "model.layers.0.self_attn.q_proj.weight"
        let w = try #require(base.tensors[name]?.values)
        let p = try #require(plus.tensors[name]?.values)
        let m = try #require(minus.tensors[name]?.values)
        // W − Δ = 2W − (W + Δ), up to float32 rounding.
        #expect(zip(zip(w, p), m).allSatisfy { pair, mv in abs((2 * pair.0 - pair.1) - mv) <= 1e-6 * max(1, abs(mv)) })
    }

    @Test func concurrentRequestsInOneProcessMergeOnce() async throws {
        let registry = harness.registry
        let results = try await withThrowingTaskGroup(of: BuildResult.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    try registry.build(BuildRequest(target: .named(Reference(name: "llama-qv-b"))))
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.filter { !$0.cached }.count == 1)
        #expect(Set(results.map(\.path)).count == 1)
        let builds = try harness.registry.writableCatalog().events().filter { $0.kind == "artifact.build" }
        #expect(builds.count == 1)
    }
}
