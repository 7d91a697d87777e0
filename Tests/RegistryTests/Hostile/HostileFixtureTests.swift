import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// Every adapter in `Tests/Fixtures/peft/bad/` (the copy of `../shared/fixtures/peft/bad/`), registered
/// against llama-tiny found by name and given explicitly; the broken weights files also as a base's.
@Suite struct HostileFixtureTests {
    static let tested: Set = ["pickle-only", "nan-weights", "truncated", "header-overflow", "rank-mismatch", "wrong-base-shape", "unknown-target"]

    /// Refuses `bad/<name>` as an adapter, both ways of naming the base.
    @discardableResult
    func refuse(_ name: String, mentioning parts: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> RegistryError? {
        let store = try HostileStore()
        let directory = Fixtures.path("bad/" + name)
        let error = try store.refuseAdapter(directory, mentioning: ["bad/\(name)"] + parts, sourceLocation: sourceLocation)
        try store.refuseAdapter(directory, base: "llama-tiny", mentioning: ["bad/\(name)"] + parts, sourceLocation: sourceLocation)
        return error
    }

    /// Refuses llama-tiny with `bad/<name>/adapter_model.safetensors` as its weights.
    func refuseAsBaseWeights(_ name: String, mentioning parts: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let store = try HostileStore(withBase: false)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("bad/\(name)/adapter_model.safetensors")))
        let directory = try store.baseWithWeights(Array(bytes), in: name)
        try store.refuseBase(directory, mentioning: ["\(name)/model.safetensors"] + parts, sourceLocation: sourceLocation)
    }

    @Test func everyBadFixtureHasATest() throws {
        let directories = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("bad")).filter { !$0.hasSuffix(".json") }
        #expect(Set(directories) == Self.tested)
        #expect(Set(try readJSONObject(Fixtures.path("bad/README.json")).keys) == Self.tested)
    }

    @Test func pickleOnlyFixtureIsRefused() throws {
        try refuse("pickle-only", mentioning: ["only adapter_model.bin", "never unpickles"])
    }

    @Test func nanWeightsFixtureIsRefused() throws {
        let header = try SafetensorsFile.readHeader(atPath: Fixtures.path("bad/nan-weights/adapter_model.safetensors"))
        let error = try refuse("nan-weights", mentioning: ["adapter_model.safetensors", "NaN or Inf"])
        #expect(header.tensors.contains { error?.message.contains("\"\($0.name)\"") == true }, "no tensor named")
    }

    @Test func truncatedFixtureIsRefused() throws {
        try refuse("truncated", mentioning: ["adapter_model.safetensors", "truncated"])
        try refuseAsBaseWeights("truncated", mentioning: ["truncated"])
    }

    @Test func headerOverflowFixtureIsRefused() throws {
        try refuse("header-overflow", mentioning: ["adapter_model.safetensors", "header length 9223372036854775808"])
        try refuseAsBaseWeights("header-overflow", mentioning: ["header length 9223372036854775808"])
    }

    @Test func rankMismatchFixtureIsRefused() throws {
        let r = try #require(try readJSONObject(Fixtures.path("bad/rank-mismatch/adapter_config.json"))["r"]?.intValue)
        try refuse("rank-mismatch", mentioning: ["adapter_model.safetensors", "rank 8", "r=\(r)"])
    }

    @Test func wrongBaseShapeFixtureIsRefused() throws {
        try refuse("wrong-base-shape", mentioning: ["adapter_model.safetensors", "lora_A is [8, 128]", "another base"])
    }

    @Test func unknownTargetFixtureIsRefused() throws {
        let header = try SafetensorsFile.readHeader(atPath: Fixtures.path("bad/unknown-target/adapter_model.safetensors"))
        let error = try refuse("unknown-target", mentioning: ["adapter_model.safetensors", "not accounted for", "the base has no module"])
        #expect(header.tensors.contains { error?.message.contains($0.name) == true }, "no key named")
    }
}
