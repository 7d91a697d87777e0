import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// Every adapter in `Tests/Fixtures/peft/bad/` is refused with one line naming the problem, and the
/// catalog, `blobs/` and `ingest/` are exactly as they were before.
@Suite struct BadAdapterTests {
    /// Registers llama-tiny (and llama-qv, so the store is not trivially empty), then tries `bad/<name>`.
    @discardableResult
    func refuse(_ name: String, mentioning parts: [String]) throws -> RegistryError? {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        let before = try harness.state()
        let events = try harness.events()
        let error = expectRegistryError(.invalid, mentioning: ["bad/\(name)"] + parts) {
            _ = try harness.registry.registerAdapter(directory: Fixtures.path("bad/\(name)"), name: name, base: nil)
        }
        #expect(try harness.state() == before)
        #expect(try harness.events().count <= events.count + 1, "more than one event for a refusal")
        // Against an explicit base too (the other path through base resolution).
        expectRegistryError(.invalid, mentioning: ["bad/\(name)"] + parts) {
            _ = try harness.registry.registerAdapter(directory: Fixtures.path("bad/\(name)"), name: name, base: Reference(name: "llama-tiny"))
        }
        #expect(try harness.state() == before)
        return error
    }

    @Test func everyBadFixtureHasATest() throws {
        let readme = try readJSONObject(Fixtures.path("bad/README.json"))
        let tested: Set = ["pickle-only", "nan-weights", "truncated", "header-overflow", "rank-mismatch", "wrong-base-shape", "unknown-target"]
        #expect(Set(readme.keys) == tested)
        let directories = try FileManager.default.contentsOfDirectory(atPath: Fixtures.path("bad")).filter { !$0.hasSuffix(".json") }
        #expect(Set(directories) == tested)
    }

    @Test func pickleOnly() throws {
        try refuse("pickle-only", mentioning: ["adapter_model.bin", "pickle"])
    }

    @Test func nanWeights() throws {
        try refuse("nan-weights", mentioning: ["NaN", "adapter_model.safetensors"])
    }

    @Test func truncated() throws {
        try refuse("truncated", mentioning: ["truncated", "adapter_model.safetensors"])
    }

    @Test func headerOverflow() throws {
        // The length field as the file holds it, so the message names the bad value.
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("bad/header-overflow/adapter_model.safetensors")))
        let length = data.prefix(8).enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        try refuse("header-overflow", mentioning: ["header length", "\(length)"])
    }

    @Test func rankMismatch() throws {
        let config = try readJSONObject(Fixtures.path("bad/rank-mismatch/adapter_config.json"))
        let r = try #require(config["r"]?.intValue)
        try refuse("rank-mismatch", mentioning: ["rank", "r=\(r)"])
    }

    @Test func wrongBaseShape() throws {
        try refuse("wrong-base-shape", mentioning: ["lora_A", "another base"])
    }

    @Test func unknownTarget() throws {
        // A key the base has no module for must be named.
        let header = try SafetensorsFile.readHeader(atPath: Fixtures.path("bad/unknown-target/adapter_model.safetensors"))
        let base = try SafetensorsFile.readHeader(atPath: Fixtures.path("bases/llama-tiny/model.safetensors"))
        let baseModules = Set(base.tensors.map { $0.name.split(separator: ".").dropLast().joined(separator: ".") })
        let foreign = header.tensors.map(\.name).filter { key in
            guard let module = RegistrationTests.loraModule(ofKey: key) ?? Self.loraBModule(ofKey: key) else { return true }
            return !baseModules.contains(module)
        }.sorted()
        #expect(!foreign.isEmpty, "the fixture has no key the base lacks")
        let error = try refuse("unknown-target", mentioning: ["not accounted for"])
        #expect(foreign.contains { error?.message.contains($0) == true }, "no foreign key named in: \(error?.message ?? "")")
    }

    static func loraBModule(ofKey key: String) -> String? {
        guard key.hasSuffix(".lora_B.weight") else { return nil }
        return String(key.dropLast(".lora_B.weight".count).dropFirst("base_model.model.".count))
    }
}
