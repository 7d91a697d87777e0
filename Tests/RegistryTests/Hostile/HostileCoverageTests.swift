import Testing

/// Issue 6's list of hostile inputs (and issue 9's additions), each one executable: running a case feeds that
/// input to loom through the Registry and requires the outcome its suite states (refused with the kind of
/// error and the words of its message, nothing stored; or, for the inputs loom accepts on purpose, the
/// safe behaviour instead). A check removed from loom therefore fails its case here, whatever the tests
/// are named; a case whose test is renamed or deleted no longer compiles.
@Suite struct HostileCoverageTests {
    /// One hostile input and the check that loom handles it.
    struct HostileCase: Sendable, CustomTestStringConvertible {
        let input: String
        let run: @Sendable () throws -> Void

        init(_ input: String, _ run: @escaping @Sendable () throws -> Void) {
            self.input = input
            self.run = run
        }

        var testDescription: String { input }
    }

    static let cases: [HostileCase] = [
        HostileCase("safetensors: header length past end") { try HostileSafetensorsTests().headerLengthPastEndOfFileIsRefused() },
        HostileCase("safetensors: header length 2^63") { try HostileSafetensorsTests().headerLength2To63IsRefused() },
        HostileCase("safetensors: header length 100 MB + 1") { try HostileSafetensorsTests().headerLengthOf100MBPlusOneIsRefused() },
        HostileCase("safetensors: invalid UTF-8") { try HostileSafetensorsTests().invalidUTF8InHeaderIsRefused() },
        HostileCase("safetensors: JSON that is not an object") { try HostileSafetensorsTests().headerThatIsAJSONArrayIsRefused() },
        HostileCase("safetensors: nested depth bomb") { try HostileSafetensorsTests().headerDepthBombIsRefused() },
        HostileCase("safetensors: unknown dtype") { try HostileSafetensorsTests().unknownDTypeIsRefused() },
        HostileCase("safetensors: shape × dtype ≠ byte range") { try HostileSafetensorsTests().shapeTimesDTypeNotByteRangeIsRefused() },
        HostileCase("safetensors: negative dims") { try HostileSafetensorsTests().negativeDimensionIsRefused() },
        HostileCase("safetensors: huge dims") { try HostileSafetensorsTests().hugeDimensionsOverflowingTheByteCountAreRefused() },
        HostileCase("safetensors: overlapping offsets") { try HostileSafetensorsTests().overlappingOffsetsAreRefused() },
        HostileCase("safetensors: holes") { try HostileSafetensorsTests().holeBetweenTensorsIsRefused() },
        HostileCase("safetensors: trailing bytes") { try HostileSafetensorsTests().trailingBytesAreRefused() },
        HostileCase("safetensors: duplicate names") { try HostileSafetensorsTests().duplicateTensorNamesAreRefused() },
        HostileCase("safetensors: zero-length file") { try HostileSafetensorsTests().zeroLengthWeightsFileIsRefused() },
        HostileCase("safetensors: NUL in a tensor name (issue 9)") { try HostileSafetensorsTests().nulInATensorNameIsRefused() },
        HostileCase("safetensors: more tensors than the limit (issue 9)") { try HostileSizeTests().headerWithMoreTensorsThanTheLimitIsRefused() },
        HostileCase("safetensors: shards with more tensors than the limit together (issue 9)") { try HostileSizeTests().shardsWithMoreTensorsThanTheLimitTogetherAreRefused() },
        HostileCase("index: tensor in two shards") { try HostileIndexTests().tensorInTwoShardsIsRefused() },
        HostileCase("index: shard missing") { try HostileIndexTests().shardMissingIsRefused() },
        HostileCase("index: ../ shard path") { try HostileIndexTests().dotDotShardPathIsRefused() },
        HostileCase("index: absolute shard path") { try HostileIndexTests().absoluteShardPathIsRefused() },
        HostileCase("index: not an object") { try HostileIndexTests().indexThatIsNotAnObjectIsRefused() },
        HostileCase("index: names config.json as a shard (issue 9)") { try HostileIndexTests().indexNamingConfigJSONIsRefusedAsNotASafetensorsFile() },
        HostileCase("index: shard name in NFD, file in NFC (issue 9)") { try HostileIndexTests().indexNameInNFDDoesNotMatchAnNFCShard() },
        HostileCase("index: beside model.safetensors (issue 9)") { try HostileIndexTests().modelSafetensorsBesideAnIndexWinsAsInTransformers() },
        HostileCase("directory: symlink pointing outside") { try HostileDirectoryTests().symlinkPointingOutsideIsRefused() },
        HostileCase("directory: FIFO") { try HostileDirectoryTests().fifoInABaseIsRefusedWithoutHanging() },
        HostileCase("directory: device file") { try HostileDirectoryTests().deviceFileIsRefused() },
        HostileCase("directory: symlink to /dev/null") { try HostileDirectoryTests().symlinkToDevNullIsRefused() },
        HostileCase("directory: no weights at all") { try HostileDirectoryTests().noWeightsAtAllIsRefused() },
        HostileCase("directory: only pytorch_model.bin") { try HostileDirectoryTests().onlyPytorchModelBinIsRefused() },
        HostileCase("directory: HF cache blobs/ linked to /etc (issue 9)") { try HostileCacheLinkTests().hfCacheBlobsSymlinkedOutOfTheRepositoryIsRefused() },
        HostileCase("directory: HF cache blobs/ linked to another repository (issue 9)") { try HostileCacheLinkTests().hfCacheBlobsLinkedToAnotherRepositoryIsRefused() },
        HostileCase("directory: file swapped for an outside link after listing (issue 9)") { try HostileCacheLinkTests().aFileSwappedForAnOutsideLinkAfterListingIsRefused() },
        HostileCase("directory: blob more readable than its source (issue 9)") { try HostileCacheLinkTests().blobsAreNeverMoreReadableThanTheirSource() },
        HostileCase("directory: the store inside the model directory (issue 9)") { try HostileLayoutTests().theStoreInsideTheModelDirectoryIsSkipped() },
        HostileCase("directory: another loom store inside (issue 9)") { try HostileLayoutTests().anotherLoomStoreInsideIsSkipped() },
        HostileCase("directory: the store itself (issue 9)") { try HostileLayoutTests().theStoreItselfIsRefusedAsAModelDirectory() },
        HostileCase("directory: an artifact directory as a base (issue 9)") { try HostileLayoutTests().anArtifactDirectoryRegistersAsABase() },
        HostileCase("directory: an artifact directory linking outside its store (issue 9)") { try HostileLayoutTests().anArtifactDirectoryLinkOutsideItsStoreIsRefused() },
        HostileCase("audit: a FIFO (issue 9)") { try HostileLayoutTests().auditOfAFIFOIsRefusedWithoutHanging() },
        HostileCase("audit: /dev/zero (issue 9)") { try HostileLayoutTests().auditOfDevZeroIsRefused() },
        HostileCase("adapter config: not JSON") { try HostileAdapterConfigTests().adapterConfigNotJSONIsRefused() },
        HostileCase("adapter config: no adapter_config.json") { try HostileAdapterConfigTests().noAdapterConfigIsRefused() },
        HostileCase("adapter config: LoRA without r") { try HostileAdapterConfigTests().loraConfigWithoutRIsRefused() },
        HostileCase("adapter config: LoRA without lora_alpha") { try HostileAdapterConfigTests().loraConfigWithoutLoraAlphaIsRefused() },
        HostileCase("adapter config: r = 0") { try HostileAdapterConfigTests().rZeroIsRefused() },
        HostileCase("adapter config: negative alpha") { try HostileAdapterConfigTests().negativeAlphaIsRefused() },
        HostileCase("adapter config: unknown peft_type") { try HostileAdapterConfigTests().unknownPeftTypeIsRefused() },
        HostileCase("adapter config: prompt tuning") { try HostileAdapterConfigTests().promptTuningIsRefused() },
        HostileCase("adapter config: prefix tuning") { try HostileAdapterConfigTests().prefixTuningIsRefused() },
        HostileCase("adapter config: layer_replication") { try HostileAdapterConfigTests().layerReplicationIsRefused() },
        HostileCase("adapter config: target modules that match nothing") { try HostileAdapterConfigTests().targetModulesMatchingNothingIsRefused() },
        HostileCase("adapter config: depth bomb") { try HostileAdapterConfigTests().adapterConfigDepthBombIsRefused() },
        HostileCase("adapter config: larger than the limit") { try HostileAdapterConfigTests().adapterConfigOver64MiBIsRefused() },
        HostileCase("adapter: lora_A without lora_B") { try HostileAdapterWeightsTests().loraAWithoutItsLoraBIsRefused() },
        HostileCase("adapter: NaN in a tensor") { try HostileAdapterWeightsTests().nanInAnAdapterTensorIsRefused() },
        HostileCase("adapter: Inf in a tensor") { try HostileAdapterWeightsTests().infinityInAnAdapterTensorIsRefused() },
        HostileCase("adapter: .bin only") { try HostileAdapterWeightsTests().binOnlyAdapterIsRefused() },
        HostileCase("adapter: I64 tensor") { try HostileAdapterWeightsTests().anI64AdapterTensorIsRefused() },
        HostileCase("adapter: sharded file only") { try HostileAdapterWeightsTests().shardedAdapterOnlyIsRefused() },
        HostileCase("name: empty") { try HostileNameTests().emptyNameIsRefused() },
        HostileCase("name: with /") { try HostileNameTests().nameWithSlashIsRefused() },
        HostileCase("name: with :") { try HostileNameTests().nameWithColonIsRefused() },
        HostileCase("name: with @") { try HostileNameTests().nameWithAtSignIsRefused() },
        HostileCase("name: with NUL") { try HostileNameTests().nameWithNULIsRefused() },
        HostileCase("name: 10 kB") { try HostileNameTests().tenKilobyteNameIsRefused() },
        HostileCase("name: with '") { try HostileNameTests().nameWithSingleQuoteIsRefused() },
        HostileCase("name: with ;") { try HostileNameTests().nameWithSemicolonIsRefused() },
        HostileCase("name: with \"") { try HostileNameTests().nameWithDoubleQuoteIsQuotedUnambiguously() },
        HostileCase("name: SQL metacharacters inside an allowed name") { try HostileNameTests().allowedNameWithDotsDashesAndUnderscoresRoundTrips() },
        HostileCase("fixture: pickle-only") { try HostileFixtureTests().pickleOnlyFixtureIsRefused() },
        HostileCase("fixture: nan-weights") { try HostileFixtureTests().nanWeightsFixtureIsRefused() },
        HostileCase("fixture: truncated") { try HostileFixtureTests().truncatedFixtureIsRefused() },
        HostileCase("fixture: header-overflow") { try HostileFixtureTests().headerOverflowFixtureIsRefused() },
        HostileCase("fixture: rank-mismatch") { try HostileFixtureTests().rankMismatchFixtureIsRefused() },
        HostileCase("fixture: wrong-base-shape") { try HostileFixtureTests().wrongBaseShapeFixtureIsRefused() },
        HostileCase("fixture: unknown-target") { try HostileFixtureTests().unknownTargetFixtureIsRefused() },
    ]

    @Test(arguments: cases) func everyHostileInputIsHandled(_ hostile: HostileCase) throws {
        try hostile.run()
    }

    @Test func everyInputIsListedOnce() {
        #expect(Set(Self.cases.map(\.input)).count == Self.cases.count)
        #expect(Self.cases.count >= 79)
    }
}
