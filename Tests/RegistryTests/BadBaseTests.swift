import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Testing

@testable import Registry

/// A base directory with a damaged weights file or config is refused, naming the file, before anything is stored.
@Suite struct BadBaseTests {
    func refuse(_ harness: RegistryHarness, _ directory: String, mentioning parts: [String]) throws {
        expectRegistryError(.invalid, mentioning: parts) {
            _ = try harness.registry.registerBase(directory: directory, name: "bad")
        }
        #expect(try harness.state() == DirectoryRuleTests.empty)
    }

    @Test func aTruncatedWeightsFileIsRefused() throws {
        let harness = try RegistryHarness()
        let directory = try harness.copyFixture("bases/llama-tiny", to: "truncated")
        let path = directory + "/model.safetensors"
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
        let size = try handle.seekToEnd()
        try handle.truncate(atOffset: size / 2)
        try handle.close()
        try refuse(harness, directory, mentioning: ["model.safetensors", "truncated"])
    }

    @Test func aHeaderLengthPastTheFileIsRefused() throws {
        let harness = try RegistryHarness()
        let directory = try harness.copyFixture("bases/llama-tiny", to: "overflow")
        let path = directory + "/model.safetensors"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        bytes.replaceSubrange(0..<8, with: [0, 0, 0, 0, 0, 0, 0, 0x80])
        try bytes.write(to: URL(fileURLWithPath: path))
        try refuse(harness, directory, mentioning: ["model.safetensors", "header length"])
    }

    @Test func aMissingConfigIsRefused() throws {
        let harness = try RegistryHarness()
        let directory = try harness.copyFixture("bases/llama-tiny", to: "no-config")
        try FileManager.default.removeItem(atPath: directory + "/config.json")
        try refuse(harness, directory, mentioning: ["no-config", "config.json"])
    }

    @Test func aConfigThatIsNotJSONIsRefused() throws {
        let harness = try RegistryHarness()
        let directory = try harness.copyFixture("bases/llama-tiny", to: "bad-config")
        try Data("{\"architectures\": [".utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        try refuse(harness, directory, mentioning: ["config.json", "JSON"])
        try Data("[1, 2]".utf8).write(to: URL(fileURLWithPath: directory + "/config.json"))
        try refuse(harness, directory, mentioning: ["config.json", "object"])
    }

    @Test func twoUnindexedWeightFilesAreRefused() throws {
        let harness = try RegistryHarness()
        let directory = try harness.copyFixture("bases/llama-tiny", to: "two")
        try FileManager.default.copyItem(atPath: directory + "/model.safetensors", toPath: directory + "/extra.safetensors")
        try refuse(harness, directory, mentioning: ["2 .safetensors files", "index"])
    }
}
