import Foundation
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// Sharded bases whose `model.safetensors.index.json` lies, escapes or is not an index: refused naming
/// the index and the tensor or file at fault, nothing stored.
@Suite struct HostileIndexTests {
    static let first = "model-00001-of-00002.safetensors"
    static let second = "model-00002-of-00002.safetensors"
    static let index = ShardIndex.fileName

    /// llama-tiny split in two shards (first half, second half of its tensors) plus `extra` tensors in
    /// the second shard, and an index with `weightMap` (default: the honest map). Returns the directory.
    func sharded(
        _ store: HostileStore, _ name: String, extraInSecond: [String] = [], edit: (inout [String: String]) -> Void = { _ in }
    ) throws -> (directory: String, names: [String]) {
        let directory = try store.baseCopy(name)
        let source = directory + "/model.safetensors"
        let tensors = try Crafted.tensors(of: source)
        try FileManager.default.removeItem(atPath: source)
        let half = tensors.count / 2
        let firstHalf = Array(tensors.prefix(half))
        let secondHalf = Array(tensors.dropFirst(half)) + tensors.filter { extraInSecond.contains($0.name) }
        try SafetensorsLayout.write(to: directory + "/" + Self.first, tensors: firstHalf)
        try SafetensorsLayout.write(to: directory + "/" + Self.second, tensors: secondHalf)
        var map: [String: String] = [:]
        for t in firstHalf { map[t.name] = Self.first }
        for t in tensors.dropFirst(half) { map[t.name] = Self.second }
        edit(&map)
        let total = tensors.reduce(0) { $0 + $1.bytes.count }
        try store.write(ShardIndex.serialized(totalSize: total, weightMap: map), to: directory + "/" + Self.index)
        return (directory, tensors.map(\.name))
    }

    @Test func anHonestShardedCopyRegisters() throws {
        let store = try HostileStore(withBase: false)
        let (directory, _) = try sharded(store, "honest")
        #expect(try store.registry.registerBase(directory: directory, name: "honest").created)
    }

    @Test func tensorInTwoShardsIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let names = try Crafted.tensors(of: Fixtures.path("bases/llama-tiny/model.safetensors")).map(\.name)
        let twice = names[0]
        let (directory, _) = try sharded(store, "twice", extraInSecond: [twice])
        try store.refuseBase(directory, mentioning: ["twice/" + Self.index, "\"\(twice)\"", "several shards", Self.first, Self.second])
    }

    @Test func shardMissingIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (directory, _) = try sharded(store, "missing")
        try FileManager.default.removeItem(atPath: directory + "/" + Self.second)
        try store.refuseBase(directory, mentioning: [Self.index, "\"\(Self.second)\"", "does not exist"])
    }

    @Test func dotDotShardPathIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (directory, names) = try sharded(store, "dotdot") { map in
            for (tensor, file) in map where file == Self.second { map[tensor] = "../" + Self.second }
        }
        // The file the index points at exists, beside the directory.
        try FileManager.default.copyItem(atPath: directory + "/" + Self.second, toPath: store.harness.scratch(Self.second))
        let error = try store.refuseBase(directory, mentioning: [Self.index, "\"../\(Self.second)\"", "not a plain file name"])
        #expect(names.contains { error?.message.contains("\"\($0)\"") == true }, "no tensor named")
    }

    @Test func absoluteShardPathIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let outside = Fixtures.path("bases/llama-tiny/model.safetensors")
        let (directory, _) = try sharded(store, "absolute") { map in
            for (tensor, file) in map where file == Self.second { map[tensor] = outside }
        }
        try store.refuseBase(directory, mentioning: [Self.index, "\"\(outside)\"", "not a plain file name"])
    }

    @Test func backslashShardPathIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (directory, _) = try sharded(store, "backslash") { map in
            for (tensor, file) in map where file == Self.second { map[tensor] = #"..\x.safetensors"# }
        }
        try store.refuseBase(directory, mentioning: [Self.index, #""..\\x.safetensors""#, "not a plain file name"])
    }

    @Test func indexThatIsNotAnObjectIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (directory, _) = try sharded(store, "array")
        try store.write(Array(#"["model-00001-of-00002.safetensors"]"#.utf8), to: directory + "/" + Self.index)
        try store.refuseBase(directory, mentioning: [Self.index, "JSON but not an object"])
    }

    @Test func indexThatIsNotJSONIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (directory, _) = try sharded(store, "garbage")
        try store.write(Array(#"{"weight_map": {"a": "b.safetensors",}}"#.utf8), to: directory + "/" + Self.index)
        try store.refuseBase(directory, mentioning: [Self.index, "not JSON"])
    }

    @Test func indexDepthBombIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (directory, _) = try sharded(store, "bomb")
        let bomb = #"{"metadata":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        try store.write(Array(bomb.utf8), to: directory + "/" + Self.index)
        try store.refuseBase(directory, mentioning: [Self.index, "nesting"])
    }

    @Test func indexWithoutWeightMapIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (directory, _) = try sharded(store, "no-map")
        try store.write(Array(#"{"metadata": {"total_size": 1}}"#.utf8), to: directory + "/" + Self.index)
        try store.refuseBase(directory, mentioning: [Self.index, "no weight_map"])
    }

    @Test func tensorTheIndexDoesNotListIsRefused() throws {
        let store = try HostileStore(withBase: false)
        var dropped = ""
        let (directory, _) = try sharded(store, "unlisted") { map in
            dropped = map.keys.sorted().last ?? ""
            map[dropped] = nil
        }
        try store.refuseBase(directory, mentioning: [Self.index, "\"\(dropped)\"", "missing from the index"])
    }

    @Test func indexPuttingATensorInTheWrongShardIsRefused() throws {
        let store = try HostileStore(withBase: false)
        var moved = ""
        let (directory, _) = try sharded(store, "wrong") { map in
            moved = map.filter { $0.value == Self.second }.keys.sorted()[0]
            map[moved] = Self.first
        }
        try store.refuseBase(directory, mentioning: [Self.index, "\"\(moved)\"", Self.first, Self.second])
    }

    @Test func indexListingATensorNoShardHoldsIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (directory, _) = try sharded(store, "phantom") { map in map["model.phantom.weight"] = Self.first }
        try store.refuseBase(directory, mentioning: [Self.index, "\"model.phantom.weight\"", "does not hold it"])
    }

    @Test func indexWithAnEmptyWeightMapIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (directory, _) = try sharded(store, "empty-map") { $0 = [:] }
        try store.refuseBase(directory, mentioning: ["empty-map/" + Self.index, "names no shard"])
    }

    @Test func indexOver64MiBIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (directory, _) = try sharded(store, "huge-index")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: directory + "/" + Self.index))
        try handle.truncate(atOffset: 70 << 20)
        try handle.close()
        try store.refuseBase(directory, mentioning: ["huge-index/" + Self.index, "larger than 64 MiB"])
    }

    // MARK: - Issue 9

    /// Before: "shard "config.json" named by the index does not exist", though it does.
    @Test func indexNamingConfigJSONIsRefusedAsNotASafetensorsFile() throws {
        let store = try HostileStore(withBase: false)
        var moved = ""
        let (directory, _) = try sharded(store, "config-shard") { map in
            moved = map.keys.sorted()[0]
            map[moved] = "config.json"
        }
        try store.refuseBase(
            directory, mentioning: ["config-shard/" + Self.index, "\"\(moved)\"", "\"config.json\"", "not a .safetensors file"])
    }

    /// The shard on disk is named in NFC, the index in NFD: Swift's `==` says equal, the file system
    /// and transformers say another file. Before, it registered and the artifact's index named a
    /// file that was not there.
    @Test func indexNameInNFDDoesNotMatchAnNFCShard() throws {
        let store = try HostileStore(withBase: false)
        let nfc = "mod\u{e8}le-00001-of-00002.safetensors"
        let nfd = "mode\u{300}le-00001-of-00002.safetensors"
        #expect(nfc == nfd && !nfc.utf8.elementsEqual(nfd.utf8))
        let (directory, _) = try sharded(store, "nfd") { map in
            for (tensor, file) in map where file == Self.first { map[tensor] = nfd }
        }
        try FileManager.default.moveItem(atPath: directory + "/" + Self.first, toPath: directory + "/" + nfc)
        try store.refuseBase(directory, mentioning: ["nfd/" + Self.index, #"mode\u{300}le"#, #"mod\u{e8}le"#, "Unicode normalization"])
    }

    /// transformers loads model.safetensors when it exists and never reads the index then; loom
    /// registers the same weights, skipping the index and the shards with a note.
    @Test func modelSafetensorsBesideAnIndexWinsAsInTransformers() throws {
        let store = try HostileStore(withBase: false)
        let (directory, _) = try sharded(store, "both")
        try FileManager.default.copyItem(
            atPath: Fixtures.path("bases/llama-tiny/model.safetensors"), toPath: directory + "/model.safetensors")
        let registration = try store.registry.registerBase(directory: directory, name: "both")
        let plain = try store.registry.registerBase(directory: Fixtures.path("bases/llama-tiny"), name: "both")
        #expect(!plain.created, "not the same content as llama-tiny's single file")
        #expect(registration.notes.contains { $0.contains(Self.index) && $0.contains(Self.first) && $0.contains("transformers loads model.safetensors") })
    }
}
