import Safetensors
import Testing

/// `model.safetensors.index.json`: parsing, file-name safety, consistency with the shards, writing.
@Suite struct ShardIndexTests {
    private let two = #"{"metadata":{"total_size":24},"weight_map":{"b":"s-2.safetensors","a":"s-1.safetensors","c":"s-2.safetensors"}}"#
    private let shards = ["s-1.safetensors": ["a"], "s-2.safetensors": ["b", "c"]]
    private let files: Set<String> = ["s-1.safetensors", "s-2.safetensors", "config.json"]

    private func index(_ json: String) throws(SafetensorsError) -> ShardIndex {
        try ShardIndex.parse(Array(json.utf8))
    }

    @Test func indexParsesInOrder() throws {
        let parsed = try index(two)
        #expect(parsed.totalSize == 24)
        #expect(parsed.weightMap.map(\.tensor) == ["b", "a", "c"])
        #expect(parsed.files == ["s-2.safetensors", "s-1.safetensors"])
        #expect(parsed.file(for: "a") == "s-1.safetensors")
        #expect(parsed.file(for: "z") == nil)
        try parsed.validate(shardTensors: shards, existingFiles: files)
    }

    @Test func metadataIsOptionalAndExtraMetadataIsIgnored() throws {
        #expect(try index(#"{"weight_map":{}}"#).totalSize == nil)
        #expect(try index(#"{"metadata":{"total_parameters":3,"total_size":16060522496.0},"weight_map":{}}"#).totalSize == 16_060_522_496)
    }

    @Test(arguments: [
        (#"{"weight_map":"#, "json"), ("[]", "object"), (#"{"metadata":{}}"#, "map"), (#"{"weight_map":[]}"#, "mapObject"),
        (#"{"metadata":[],"weight_map":{}}"#, "metadata"), (#"{"metadata":{"total_size":-1},"weight_map":{}}"#, "size"),
        (#"{"metadata":{"total_size":1.5},"weight_map":{}}"#, "size"), (#"{"weight_map":{"a":1}}"#, "entry"),
        (#"{"weight_map":{},"extra":1}"#, "extra"), (#"{"weight_map":{"a":"x","a":"y"}}"#, "duplicate"),
    ])
    func malformedIndexIsRefused(json: String, kind: String) {
        let error = #expect(throws: SafetensorsError.self) { try index(json) }
        switch (kind, error) {
        case ("json", .shardIndexNotJSON?), ("object", .shardIndexNotAnObject?), ("map", .shardIndexMissingWeightMap?),
            ("mapObject", .shardIndexWeightMapNotAnObject?), ("metadata", .shardIndexMetadataNotAnObject?),
            ("size", .shardIndexInvalidTotalSize?), ("entry", .shardIndexEntryNotString(tensor: "a")?),
            ("extra", .shardIndexUnexpectedKey("extra")?), ("duplicate", .shardIndexDuplicateTensor("a")?):
            break
        default:
            Issue.record("\(kind): unexpected \(String(describing: error))")
        }
    }

    @Test(arguments: ["", ".", "..", "../x.safetensors", "/etc/passwd", "sub/x.safetensors", #"a\\b"#, #"a\u0000b"#])
    func fileNameLeavingTheDirectoryIsRefused(name: String) throws {
        let json = #"{"weight_map":{"t":"\#(name)"}}"#
        let error = #expect(throws: SafetensorsError.self) { try index(json) }
        guard case .invalidShardFileName(tensor: "t", let file)? = error else {
            Issue.record("expected invalidShardFileName, got \(String(describing: error))")
            return
        }
        #expect(!ShardIndex.isPlainFileName(file))
    }

    @Test func plainNamesAreAccepted() {
        #expect(ShardIndex.isPlainFileName("model-00001-of-00002.safetensors"))
        #expect(ShardIndex.isPlainFileName("..x"))
    }

    @Test func missingShardFileIsRefused() throws {
        #expect(throws: SafetensorsError.shardFileMissing(file: "s-1.safetensors")) {
            try index(two).validate(shardTensors: shards, existingFiles: ["s-2.safetensors"])
        }
    }

    @Test func tensorMissingFromIndexIsRefused() throws {
        var extra = shards
        extra["s-1.safetensors"] = ["a", "d"]
        #expect(throws: SafetensorsError.tensorNotInIndex(tensor: "d", shard: "s-1.safetensors")) {
            try index(two).validate(shardTensors: extra, existingFiles: files)
        }
    }

    @Test func tensorInWrongShardIsRefused() throws {
        let moved = ["s-1.safetensors": ["a", "c"], "s-2.safetensors": ["b"]]
        #expect(throws: SafetensorsError.tensorInWrongShard(tensor: "c", indexed: "s-2.safetensors", actual: "s-1.safetensors")) {
            try index(two).validate(shardTensors: moved, existingFiles: files)
        }
    }

    @Test func indexedTensorMissingFromItsShardIsRefused() throws {
        let lacking = ["s-1.safetensors": ["a"], "s-2.safetensors": ["b"]]
        #expect(throws: SafetensorsError.tensorMissingFromShard(tensor: "c", shard: "s-2.safetensors")) {
            try index(two).validate(shardTensors: lacking, existingFiles: files)
        }
    }

    @Test func tensorInTwoShardsIsRefused() throws {
        let twice = ["s-1.safetensors": ["a", "b"], "s-2.safetensors": ["b", "c"]]
        #expect(throws: SafetensorsError.tensorInSeveralShards(tensor: "b", shards: ["s-1.safetensors", "s-2.safetensors"])) {
            try index(two).validate(shardTensors: twice, existingFiles: files)
        }
    }

    @Test func serializedIndexMatchesTransformers() throws {
        let bytes = ShardIndex.serialized(totalSize: 24, weightMap: ["b": "s-2.safetensors", "a": "s-1.safetensors", "é": "s-1.safetensors"])
        let expected = """
            {
              "metadata": {
                "total_size": 24
              },
              "weight_map": {
                "a": "s-1.safetensors",
                "b": "s-2.safetensors",
                "\\u00e9": "s-1.safetensors"
              }
            }

            """
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        let reparsed = try ShardIndex.parse(bytes)
        #expect(reparsed.weightMap.map(\.tensor) == ["a", "b", "é"])
        #expect(reparsed.totalSize == 24)
    }
}
