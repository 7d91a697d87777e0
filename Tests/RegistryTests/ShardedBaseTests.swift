import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// A base split into shards with a `model.safetensors.index.json` registers; a broken index is refused
/// before anything is stored.
@Suite struct ShardedBaseTests {
    static let first = "model-00001-of-00002.safetensors"
    static let second = "model-00002-of-00002.safetensors"

    /// Writes llama-tiny's config files, one shard per entry of `shards` (file → tensor names, taken
    /// from llama-tiny's model.safetensors) and an index with `weightMap`, into scratch directory `name`.
    func writeSharded(
        _ harness: RegistryHarness, name: String, shards: [String: [String]], weightMap: [String: String]
    ) throws -> String {
        let directory = harness.scratch(name)
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for file in ["config.json", "generation_config.json"] {
            try fm.copyItem(atPath: Fixtures.path("bases/llama-tiny/" + file), toPath: directory + "/" + file)
        }
        let source = try SafetensorsFile(path: Fixtures.path("bases/llama-tiny/model.safetensors"))
        defer { source.close() }
        var totalSize = 0
        for (file, names) in shards {
            let tensors = try names.map { name in
                let info = try #require(source.header.tensor(named: name), "llama-tiny has no \(name)")
                return (name: name, dtype: info.dtype, shape: info.shape, bytes: Array(source.bytes(of: info)))
            }
            totalSize += tensors.reduce(0) { $0 + $1.bytes.count }
            try SafetensorsLayout.write(to: directory + "/" + file, tensors: tensors, metadata: [("format", "pt")])
        }
        let index = ShardIndex.serialized(totalSize: totalSize, weightMap: weightMap)
        try Data(index).write(to: URL(fileURLWithPath: directory + "/" + ShardIndex.fileName))
        return directory
    }

    /// llama-tiny's tensor names split in two halves.
    func halves() throws -> (first: [String], second: [String]) {
        let names = try SafetensorsFile.readHeader(atPath: Fixtures.path("bases/llama-tiny/model.safetensors")).tensors.map(\.name)
        return (Array(names.prefix(names.count / 2)), Array(names.dropFirst(names.count / 2)))
    }

    func map(_ halves: (first: [String], second: [String])) -> [String: String] {
        var map: [String: String] = [:]
        for name in halves.first { map[name] = Self.first }
        for name in halves.second { map[name] = Self.second }
        return map
    }

    @Test func aShardedBaseRegistersAndTakesAdapters() throws {
        let harness = try RegistryHarness()
        let split = try halves()
        let directory = try writeSharded(harness, name: "sharded", shards: [Self.first: split.first, Self.second: split.second], weightMap: map(split))
        let registration = try harness.registry.registerBase(directory: directory, name: "sharded")
        #expect(registration.created)
        guard case .base(let record, let files, let tensorCount, _) = try harness.registry.show("sharded") else {
            Issue.record("show sharded is not a base")
            return
        }
        #expect(tensorCount == split.first.count + split.second.count)
        #expect(Set(files.map(\.path)) == ["config.json", "generation_config.json", Self.first, Self.second, ShardIndex.fileName])
        let plain = try harness.addBase("llama-tiny")
        #expect(record.parameterCount == plain.record.parameterCount)
        #expect(record.dtype == plain.record.dtype)
        #expect(try harness.addAdapter("llama-qv", base: "sharded").created)
        #expect(try harness.addAdapter("llama-all-rslora", base: "sharded").created)
    }

    @Test func aTensorInTwoShardsIsRefused() throws {
        let harness = try RegistryHarness()
        let split = try halves()
        let twice = try #require(split.first.first)
        let directory = try writeSharded(
            harness, name: "twice", shards: [Self.first: split.first, Self.second: split.second + [twice]], weightMap: map(split))
        expectRegistryError(.invalid, mentioning: [ShardIndex.fileName, twice, "several shards"]) {
            _ = try harness.registry.registerBase(directory: directory, name: "twice")
        }
        #expect(try harness.state() == DirectoryRuleTests.empty)
    }

    @Test func aShardMissingFromTheDirectoryIsRefused() throws {
        let harness = try RegistryHarness()
        let split = try halves()
        var weightMap = map(split)
        let moved = try #require(split.second.last)
        weightMap[moved] = "model-00003-of-00003.safetensors"
        let directory = try writeSharded(
            harness, name: "missing", shards: [Self.first: split.first, Self.second: split.second.dropLast()], weightMap: weightMap)
        expectRegistryError(.invalid, mentioning: [ShardIndex.fileName, "model-00003-of-00003.safetensors"]) {
            _ = try harness.registry.registerBase(directory: directory, name: "missing")
        }
        #expect(try harness.state() == DirectoryRuleTests.empty)
    }

    @Test func aShardOutsideTheDirectoryIsRefused() throws {
        let harness = try RegistryHarness()
        let split = try halves()
        var weightMap = map(split)
        for name in split.second { weightMap[name] = "../x.safetensors" }
        let directory = try writeSharded(harness, name: "escape", shards: [Self.first: split.first], weightMap: weightMap)
        // The file the index points at exists, beside the directory.
        _ = try writeSharded(harness, name: ".", shards: ["x.safetensors": split.second], weightMap: [:])
        expectRegistryError(.invalid, mentioning: [ShardIndex.fileName, "../x.safetensors"]) {
            _ = try harness.registry.registerBase(directory: directory, name: "escape")
        }
        #expect(try harness.state() == DirectoryRuleTests.empty)
    }

    @Test func aTensorTheIndexDoesNotListIsRefused() throws {
        let harness = try RegistryHarness()
        let split = try halves()
        var weightMap = map(split)
        let unlisted = try #require(split.second.first)
        weightMap[unlisted] = nil
        let directory = try writeSharded(
            harness, name: "unlisted", shards: [Self.first: split.first, Self.second: split.second], weightMap: weightMap)
        expectRegistryError(.invalid, mentioning: [ShardIndex.fileName, unlisted]) {
            _ = try harness.registry.registerBase(directory: directory, name: "unlisted")
        }
        #expect(try harness.state() == DirectoryRuleTests.empty)
    }

    @Test func twoShardsWithoutAnIndexAreRefused() throws {
        let harness = try RegistryHarness()
        let split = try halves()
        let directory = try writeSharded(harness, name: "no-index", shards: [Self.first: split.first, Self.second: split.second], weightMap: [:])
        try FileManager.default.removeItem(atPath: directory + "/" + ShardIndex.fileName)
        expectRegistryError(.invalid, mentioning: ["index"]) {
            _ = try harness.registry.registerBase(directory: directory, name: "no-index")
        }
        #expect(try harness.state() == DirectoryRuleTests.empty)
    }
}
