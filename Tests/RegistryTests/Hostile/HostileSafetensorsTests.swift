import Foundation
import Testing

@testable import Registry

/// Crafted safetensors files, each registered both as a base's `model.safetensors` and as an adapter's
/// `adapter_model.safetensors`: refused with one line naming the file (and the tensor, when one is at
/// fault), nothing stored.
@Suite struct HostileSafetensorsTests {
    /// Registers `bytes` as llama-tiny's weights, then as llama-qv's, in a store that holds llama-tiny.
    func refuseEverywhere(_ bytes: [UInt8], mentioning parts: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let store = try HostileStore()
        let base = try store.baseWithWeights(bytes, in: "base")
        try store.refuseBase(base, mentioning: ["base/model.safetensors"] + parts, sourceLocation: sourceLocation)
        let adapter = try store.adapterWithWeights(bytes, in: "adapter")
        try store.refuseAdapter(adapter, mentioning: ["adapter/adapter_model.safetensors"] + parts, sourceLocation: sourceLocation)
    }

    let a = Crafted.qA
    let b = Crafted.vA

    // MARK: - Framing

    @Test func zeroLengthWeightsFileIsRefused() throws {
        try refuseEverywhere([], mentioning: ["file is 0 bytes", "8-byte header length"])
    }

    @Test func fileShorterThanTheLengthFieldIsRefused() throws {
        try refuseEverywhere([2, 0, 0, 0, 0], mentioning: ["file is 5 bytes"])
    }

    @Test func headerLengthPastEndOfFileIsRefused() throws {
        try refuseEverywhere(Crafted.file(length: 1000, header: Array("{}".utf8)), mentioning: ["header length 1000", "past the end of the 10-byte file"])
    }

    @Test func headerLength2To63IsRefused() throws {
        try refuseEverywhere(Crafted.file(length: 1 << 63, header: Array("{}".utf8)), mentioning: ["header length 9223372036854775808", "limit"])
    }

    @Test func headerLength2To64Minus1IsRefused() throws {
        try refuseEverywhere(Crafted.file(length: .max, header: Array("{}".utf8)), mentioning: ["header length 18446744073709551615", "limit"])
    }

    @Test func headerLengthOf100MBPlusOneIsRefused() throws {
        try refuseEverywhere(Crafted.file(length: 100_000_001, header: Array("{}".utf8)), mentioning: ["header length 100000001", "100000000-byte limit"])
    }

    @Test func headerLengthBelowTwoIsRefused() throws {
        try refuseEverywhere(Crafted.file(length: 1, header: Array("{}".utf8)), mentioning: ["header length 1", "too small"])
    }

    // MARK: - Header text

    @Test func invalidUTF8InHeaderIsRefused() throws {
        let header = Array(#"{"a"#.utf8) + [0xC0, 0x80] + Array(#"":1}"#.utf8)
        try refuseEverywhere(Crafted.file(header: header), mentioning: ["not valid UTF-8", "header byte 3"])
    }

    @Test func headerThatIsNotJSONIsRefused() throws {
        try refuseEverywhere(Crafted.file(json: #"{"a": nope}"#), mentioning: ["header is not JSON", "header byte 6"])
    }

    @Test func headerThatIsAJSONArrayIsRefused() throws {
        try refuseEverywhere(Crafted.file(json: "[1,2]"), mentioning: ["header is JSON but not an object"])
    }

    @Test func headerThatIsAJSONStringIsRefused() throws {
        try refuseEverywhere(Crafted.file(json: #""weights""#), mentioning: ["header is JSON but not an object"])
    }

    @Test func headerDepthBombIsRefused() throws {
        let bomb = #"{"a":"# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        try refuseEverywhere(Crafted.file(json: bomb), mentioning: ["nests deeper than 4 levels"])
    }

    @Test func nulPaddedHeaderIsRefused() throws {
        try refuseEverywhere(Crafted.file(header: Array("{}".utf8) + [0, 0, 0, 0, 0, 0]), mentioning: ["header byte 2 is 0x00", "only trailing spaces"])
    }

    @Test func metadataThatIsNotAnObjectOfStringsIsRefused() throws {
        try refuseEverywhere(Crafted.file(json: #"{"__metadata__":{"format":1}}"#), mentioning: [#"__metadata__ value for "format""#])
    }

    // MARK: - Entries

    @Test func unknownDTypeIsRefused() throws {
        let json = #"{"\#(a)":\#(Crafted.entry("F33", offsets: "[0,2048]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 2048), mentioning: [a, #"unknown dtype "F33""#])
    }

    @Test func shapeTimesDTypeNotByteRangeIsRefused() throws {
        let json = #"{"\#(a)":\#(Crafted.entry(offsets: "[0,1024]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 1024), mentioning: [a, "[8, 64] × F32 is 2048 bytes but data_offsets span 1024"])
    }

    @Test func negativeDimensionIsRefused() throws {
        let json = #"{"\#(a)":\#(Crafted.entry(shape: "[-8,64]", offsets: "[0,2048]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 2048), mentioning: [a, "shape [-8,64]", "non-negative integers"])
    }

    @Test func hugeDimensionsOverflowingTheByteCountAreRefused() throws {
        let huge = "[4294967296,4294967296,4294967296]"
        let json = #"{"\#(a)":\#(Crafted.entry(shape: huge, offsets: "[0,2048]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 2048), mentioning: [a, "overflows the byte count"])
    }

    @Test func dimensionTooLargeForAnIntegerIsRefused() throws {
        let json = #"{"\#(a)":\#(Crafted.entry(shape: "[99999999999999999999999,1]", offsets: "[0,2048]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 2048), mentioning: [a, "shape [99999999999999999999999,1]"])
    }

    @Test func reversedDataOffsetsAreRefused() throws {
        let json = #"{"\#(a)":\#(Crafted.entry(offsets: "[2048,0]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 2048), mentioning: [a, "data_offsets [2048, 0] begin after they end"])
    }

    @Test func unexpectedKeyInAnEntryIsRefused() throws {
        let json = #"{"\#(a)":{"dtype":"F32","shape":[8,64],"data_offsets":[0,2048],"offset":0}}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 2048), mentioning: [a, #"unexpected key "offset""#])
    }

    @Test func duplicateTensorNamesAreRefused() throws {
        let json = #"{"\#(a)":\#(Crafted.entry(offsets: "[0,2048]")),"\#(a)":\#(Crafted.entry(offsets: "[2048,4096]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 4096), mentioning: [a, "appears twice"])
    }

    /// Two names that differ only after a NUL: before, both reached the catalog cut at the NUL and the
    /// second insert failed with a raw "UNIQUE constraint failed", leaving the blob behind.
    @Test func nulInATensorNameIsRefused() throws {
        let json = #"{"\#(a)\u0000x":\#(Crafted.entry(offsets: "[0,2048]")),"\#(a)\u0000y":\#(Crafted.entry(offsets: "[2048,4096]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 4096), mentioning: [a, #"\u0000"#, "NUL character"])
    }

    // MARK: - Data layout

    @Test func overlappingOffsetsAreRefused() throws {
        let json = #"{"\#(a)":\#(Crafted.entry(offsets: "[0,2048]")),"\#(b)":\#(Crafted.entry(offsets: "[1024,3072]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 3072), mentioning: [a, b, "overlap"])
    }

    @Test func holeBetweenTensorsIsRefused() throws {
        let json = #"{"\#(a)":\#(Crafted.entry(offsets: "[0,2048]")),"\#(b)":\#(Crafted.entry(offsets: "[2056,4104]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 4104), mentioning: [a, b, "data bytes 2048..<2056 belong to no tensor"])
    }

    @Test func holeBeforeTheFirstTensorIsRefused() throws {
        let json = #"{"\#(a)":\#(Crafted.entry(offsets: "[8,2056]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 2056), mentioning: [a, "data bytes 0..<8 belong to no tensor"])
    }

    @Test func trailingBytesAreRefused() throws {
        let json = #"{"\#(a)":\#(Crafted.entry(offsets: "[0,2048]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 2100), mentioning: [a, "52 data bytes after the last tensor"])
    }

    @Test func truncatedDataIsRefused() throws {
        let json = #"{"\#(a)":\#(Crafted.entry(offsets: "[0,2048]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 1000), mentioning: [a, "truncated", "data section has 1000 bytes"])
    }

    @Test func tensorNameWithControlCharactersIsQuotedOnOneLine() throws {
        // Not NUL: a name with NUL is refused for that before its entry is read (nulInATensorNameIsRefused).
        let json = #"{"evil\nname\u0007":\#(Crafted.entry("F33", offsets: "[0,2048]"))}"#
        try refuseEverywhere(Crafted.file(json: json, dataSize: 2048), mentioning: [#""evil\nname\u0007""#, "unknown dtype"])
    }
}
