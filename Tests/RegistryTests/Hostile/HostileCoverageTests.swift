import Foundation
import Testing

/// Issue 6's list of hostile inputs, each mapped to the `@Test` of this folder that refuses it.
@Suite struct HostileCoverageTests {
    static let cases: [(input: String, test: String)] = [
        ("safetensors: header length past end", "headerLengthPastEndOfFileIsRefused"),
        ("safetensors: header length 2^63", "headerLength2To63IsRefused"),
        ("safetensors: header length 100 MB + 1", "headerLengthOf100MBPlusOneIsRefused"),
        ("safetensors: invalid UTF-8", "invalidUTF8InHeaderIsRefused"),
        ("safetensors: JSON that is not an object", "headerThatIsAJSONArrayIsRefused"),
        ("safetensors: nested depth bomb", "headerDepthBombIsRefused"),
        ("safetensors: unknown dtype", "unknownDTypeIsRefused"),
        ("safetensors: shape × dtype ≠ byte range", "shapeTimesDTypeNotByteRangeIsRefused"),
        ("safetensors: negative dims", "negativeDimensionIsRefused"),
        ("safetensors: huge dims", "hugeDimensionsOverflowingTheByteCountAreRefused"),
        ("safetensors: overlapping offsets", "overlappingOffsetsAreRefused"),
        ("safetensors: holes", "holeBetweenTensorsIsRefused"),
        ("safetensors: trailing bytes", "trailingBytesAreRefused"),
        ("safetensors: duplicate names", "duplicateTensorNamesAreRefused"),
        ("safetensors: zero-length file", "zeroLengthWeightsFileIsRefused"),
        ("safetensors: NUL in a tensor name (issue 9)", "nulInATensorNameIsRefused"),
        ("safetensors: more tensors than the limit (issue 9)", "headerWithMoreTensorsThanTheLimitIsRefused"),
        ("safetensors: shards with more tensors than the limit together (issue 9)", "shardsWithMoreTensorsThanTheLimitTogetherAreRefused"),
        ("index: tensor in two shards", "tensorInTwoShardsIsRefused"),
        ("index: shard missing", "shardMissingIsRefused"),
        ("index: ../ shard path", "dotDotShardPathIsRefused"),
        ("index: absolute shard path", "absoluteShardPathIsRefused"),
        ("index: not an object", "indexThatIsNotAnObjectIsRefused"),
        ("index: names config.json as a shard (issue 9)", "indexNamingConfigJSONIsRefusedAsNotASafetensorsFile"),
        ("index: shard name in NFD, file in NFC (issue 9)", "indexNameInNFDDoesNotMatchAnNFCShard"),
        ("index: beside model.safetensors (issue 9)", "modelSafetensorsBesideAnIndexWinsAsInTransformers"),
        ("directory: symlink pointing outside", "symlinkPointingOutsideIsRefused"),
        ("directory: FIFO", "fifoInABaseIsRefusedWithoutHanging"),
        ("directory: device file", "deviceFileIsRefused"),
        ("directory: symlink to /dev/null", "symlinkToDevNullIsRefused"),
        ("directory: no weights at all", "noWeightsAtAllIsRefused"),
        ("directory: only pytorch_model.bin", "onlyPytorchModelBinIsRefused"),
        ("directory: HF cache blobs/ linked to /etc (issue 9)", "hfCacheBlobsSymlinkedOutOfTheRepositoryIsRefused"),
        ("directory: HF cache blobs/ linked to another repository (issue 9)", "hfCacheBlobsLinkedToAnotherRepositoryIsRefused"),
        ("directory: file swapped for an outside link after listing (issue 9)", "aFileSwappedForAnOutsideLinkAfterListingIsRefused"),
        ("directory: blob more readable than its source (issue 9)", "blobsAreNeverMoreReadableThanTheirSource"),
        ("directory: the store inside the model directory (issue 9)", "theStoreInsideTheModelDirectoryIsSkipped"),
        ("directory: another loom store inside (issue 9)", "anotherLoomStoreInsideIsSkipped"),
        ("directory: the store itself (issue 9)", "theStoreItselfIsRefusedAsAModelDirectory"),
        ("directory: an artifact directory as a base (issue 9)", "anArtifactDirectoryRegistersAsABase"),
        ("directory: an artifact directory linking outside its store (issue 9)", "anArtifactDirectoryLinkOutsideItsStoreIsRefused"),
        ("audit: a FIFO (issue 9)", "auditOfAFIFOIsRefusedWithoutHanging"),
        ("audit: /dev/zero (issue 9)", "auditOfDevZeroIsRefused"),
        ("adapter config: not JSON", "adapterConfigNotJSONIsRefused"),
        ("adapter config: no adapter_config.json", "noAdapterConfigIsRefused"),
        ("adapter config: LoRA without r", "loraConfigWithoutRIsRefused"),
        ("adapter config: LoRA without lora_alpha", "loraConfigWithoutLoraAlphaIsRefused"),
        ("adapter config: r = 0", "rZeroIsRefused"),
        ("adapter config: negative alpha", "negativeAlphaIsRefused"),
        ("adapter config: unknown peft_type", "unknownPeftTypeIsRefused"),
        ("adapter config: prompt tuning", "promptTuningIsRefused"),
        ("adapter config: prefix tuning", "prefixTuningIsRefused"),
        ("adapter config: layer_replication", "layerReplicationIsRefused"),
        ("adapter config: target modules that match nothing", "targetModulesMatchingNothingIsRefused"),
        ("adapter config: depth bomb", "adapterConfigDepthBombIsRefused"),
        ("adapter config: larger than the limit", "adapterConfigOver64MiBIsRefused"),
        ("adapter: lora_A without lora_B", "loraAWithoutItsLoraBIsRefused"),
        ("adapter: NaN in a tensor", "nanInAnAdapterTensorIsRefused"),
        ("adapter: Inf in a tensor", "infinityInAnAdapterTensorIsRefused"),
        ("adapter: .bin only", "binOnlyAdapterIsRefused"),
        ("adapter: I64 tensor", "anI64AdapterTensorIsRefused"),
        ("adapter: sharded file only", "shardedAdapterOnlyIsRefused"),
        ("name: empty", "emptyNameIsRefused"),
        ("name: with /", "nameWithSlashIsRefused"),
        ("name: with :", "nameWithColonIsRefused"),
        ("name: with @", "nameWithAtSignIsRefused"),
        ("name: with NUL", "nameWithNULIsRefused"),
        ("name: 10 kB", "tenKilobyteNameIsRefused"),
        ("name: with '", "nameWithSingleQuoteIsRefused"),
        ("name: with ;", "nameWithSemicolonIsRefused"),
        ("name: with \"", "nameWithDoubleQuoteIsQuotedUnambiguously"),
        ("name: SQL metacharacters inside an allowed name", "allowedNameWithDotsDashesAndUnderscoresRoundTrips"),
        ("fixture: pickle-only", "pickleOnlyFixtureIsRefused"),
        ("fixture: nan-weights", "nanWeightsFixtureIsRefused"),
        ("fixture: truncated", "truncatedFixtureIsRefused"),
        ("fixture: header-overflow", "headerOverflowFixtureIsRefused"),
        ("fixture: rank-mismatch", "rankMismatchFixtureIsRefused"),
        ("fixture: wrong-base-shape", "wrongBaseShapeFixtureIsRefused"),
        ("fixture: unknown-target", "unknownTargetFixtureIsRefused"),
    ]

    /// The source of every file in this folder.
    static func sources() throws -> String {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".swift") }.sorted()
            .map { try String(contentsOfFile: folder + "/" + $0, encoding: .utf8) }.joined(separator: "\n")
    }

    @Test func everyIssueCaseHasItsOwnTest() throws {
        let sources = try Self.sources()
        for (input, test) in Self.cases {
            #expect(sources.contains("@Test func \(test)()"), "\(input): no @Test func \(test)() in Tests/RegistryTests/Hostile")
        }
        #expect(Set(Self.cases.map(\.test)).count == Self.cases.count, "one test serves two cases")
        #expect(Set(Self.cases.map(\.input)).count == Self.cases.count)
    }

    @Test func thereAreAtLeastThirtyHostileTests() throws {
        let count = try Self.sources().components(separatedBy: "\n    @Test func ").count - 1
        #expect(count >= Self.cases.count)
        #expect(count >= 30)
    }
}
