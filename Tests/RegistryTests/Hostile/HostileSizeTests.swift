import Foundation
import Safetensors
import Testing

@testable import Registry

/// Issue 9: a header with a million tensors took 18.6 s and 1.08 GB to register. A file, and a base
/// over all its shards, may have at most `SafetensorsHeader.maxTensors` tensors; more is refused
/// (the header as soon as its parse passes the limit), nothing stored.
@Suite struct HostileSizeTests {
    /// The JSON of `count` zero-size F32 tensors `prefix0000000…`, all at offset 0.
    static func header(_ count: Int, prefix: String = "t.") -> String {
        var json = "{"
        json.reserveCapacity(count * 64)
        for i in 0..<count {
            if i > 0 { json += "," }
            json += "\"\(prefix)\(i)\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}"
        }
        return json + "}"
    }

    @Test func headerWithMoreTensorsThanTheLimitIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let bytes = Crafted.file(json: Self.header(SafetensorsHeader.maxTensors + 1))
        let directory = try store.baseWithWeights(bytes, in: "many")
        try store.refuseBase(directory, mentioning: ["many/model.safetensors", "more than \(SafetensorsHeader.maxTensors) tensors"])
    }

    @Test func shardsWithMoreTensorsThanTheLimitTogetherAreRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("many-shards")
        try FileManager.default.removeItem(atPath: directory + "/model.safetensors")
        let half = SafetensorsHeader.maxTensors / 2 + 1
        var map: [String: String] = [:]
        for (shard, prefix) in [("model-00001-of-00002.safetensors", "a."), ("model-00002-of-00002.safetensors", "b.")] {
            try store.write(Crafted.file(json: Self.header(half, prefix: prefix)), to: directory + "/" + shard)
            for i in 0..<half { map["\(prefix)\(i)"] = shard }
        }
        try store.write(ShardIndex.serialized(totalSize: 0, weightMap: map), to: directory + "/" + ShardIndex.fileName)
        try store.refuseBase(directory, mentioning: ["many-shards", "more than \(SafetensorsHeader.maxTensors) tensors in its shards"])
    }
}
