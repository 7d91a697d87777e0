import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Testing

@testable import Registry

/// Which base `adapter add` validates against: `--base`, else `base_model_name_or_path` or its last
/// path component.
@Suite struct BaseResolutionTests {
    @Test func withoutBaseTheConfigsBaseNameIsUsed() throws {
        let harness = try RegistryHarness()
        try harness.addBase("gpt2-tiny")
        try harness.addBase("llama-tiny")
        let registration = try harness.addAdapter("llama-qv")
        #expect(registration.record.baseName == "llama-tiny")
        #expect(registration.record.baseVersion == 1)
    }

    @Test func theLastPathComponentOfAHubIDIsUsed() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let adapter = try harness.editedAdapter("llama-qv", as: "hub-id") { $0["base_model_name_or_path"] = "meta-llama/llama-tiny" }
        let registration = try harness.registry.registerAdapter(directory: adapter, name: "qv", base: nil)
        #expect(registration.record.baseName == "llama-tiny")
    }

    @Test func theLastPathComponentOfALocalPathIsUsed() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let adapter = try harness.editedAdapter("llama-qv", as: "local-path") {
            $0["base_model_name_or_path"] = "/home/someone/models/llama-tiny/"
        }
        let registration = try harness.registry.registerAdapter(directory: adapter, name: "qv", base: nil)
        #expect(registration.record.baseName == "llama-tiny")
    }

    @Test func theLatestVersionOfTheNamedBaseIsUsed() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let changed = try harness.copyFixture("bases/llama-tiny", to: "llama-tiny-v2")
        try harness.editJSON(changed + "/generation_config.json") { $0["max_length"] = .int(77) }
        _ = try harness.registry.registerBase(directory: changed, name: "llama-tiny")
        #expect(try harness.addAdapter("llama-qv").record.baseVersion == 2)
        let pinned = try harness.registry.registerAdapter(
            directory: Fixtures.path("adapters/llama-qv-b"), name: "llama-qv-b", base: Reference(parsing: "llama-tiny@1"))
        #expect(pinned.record.baseVersion == 1)
    }

    @Test func anUnregisteredBaseIsNotFoundAndTheMessageSaysToPassBase() throws {
        let harness = try RegistryHarness()
        try harness.addBase("gpt2-tiny")
        let before = try harness.state()
        expectRegistryError(.notFound, mentioning: ["llama-tiny", "--base"]) { try harness.addAdapter("llama-qv") }
        let hub = try harness.editedAdapter("llama-qv", as: "hub-id") { $0["base_model_name_or_path"] = "meta-llama/Llama-2-7b-hf" }
        expectRegistryError(.notFound, mentioning: ["meta-llama/Llama-2-7b-hf", "--base"]) {
            _ = try harness.registry.registerAdapter(directory: hub, name: "qv", base: nil)
        }
        #expect(try harness.state() == before)
    }

    @Test func anEmptyStoreFindsNoBaseAndCreatesNothing() throws {
        let harness = try RegistryHarness()
        expectRegistryError(.notFound, mentioning: ["--base"]) { try harness.addAdapter("llama-qv") }
        #expect(!FileManager.default.fileExists(atPath: harness.registry.catalogPath))
        #expect(harness.blobFiles().isEmpty)
    }

    @Test func aConfigWithoutABaseNeedsBase() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let adapter = try harness.editedAdapter("llama-qv", as: "no-base") { $0["base_model_name_or_path"] = nil }
        expectRegistryError(.invalid, mentioning: ["base_model_name_or_path", "--base"]) {
            _ = try harness.registry.registerAdapter(directory: adapter, name: "qv", base: nil)
        }
        let registration = try harness.registry.registerAdapter(directory: adapter, name: "qv", base: Reference(name: "llama-tiny"))
        #expect(registration.record.baseName == "llama-tiny")
    }

    @Test func anExplicitBaseWins() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny", as: "lt")
        expectRegistryError(.notFound) { try harness.addAdapter("llama-qv") }
        #expect(try harness.addAdapter("llama-qv", base: "lt").record.baseName == "lt")
        expectRegistryError(.notFound, mentioning: ["nope"]) { try harness.addAdapter("llama-qv-b", base: "nope") }
    }

    @Test func anExplicitBaseOfAnotherModelIsRefused() throws {
        let harness = try RegistryHarness()
        try harness.addBase("gpt2-tiny")
        try harness.addBase("llama-tiny")
        let before = try harness.state()
        expectRegistryError(.invalid, mentioning: ["q_proj"]) { try harness.addAdapter("llama-qv", base: "gpt2-tiny") }
        #expect(try harness.state() == before)
    }
}
