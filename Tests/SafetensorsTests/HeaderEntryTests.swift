import Safetensors
import Testing

/// Tensor entries: keys, dtype, shape, data_offsets, and shape × dtype against the byte span.
@Suite struct HeaderEntryTests {
    private func file(_ entry: String, dataSize: Int = 4) -> [UInt8] {
        HostileFiles.file(json: #"{"t":\#(entry)}"#, dataSize: dataSize)
    }

    @Test(arguments: DType.allCases)
    func everyDTypeIsAccepted(dtype: DType) throws {
        let header = try HostileFiles.parse(file(HostileFiles.entry(dtype.rawValue, shape: "[3]", offsets: "[0,\(3 * dtype.byteSize)]"), dataSize: 3 * dtype.byteSize))
        #expect(header.tensors.first?.dtype == dtype)
        #expect(header.tensors.first?.elementCount == 3)
    }

    @Test func dtypeSizesAndFloatFlagsMatchTheFormat() {
        #expect(DType.allCases.map(\.byteSize) == [8, 4, 2, 2, 8, 4, 2, 1, 8, 4, 2, 1, 1, 1, 1])
        #expect(DType.allCases.filter(\.isFloatingPoint) == [.f64, .f32, .f16, .bf16])
        #expect(DType(rawValue: "F8_E4M3") == .f8E4M3)
        #expect(DType(rawValue: "f32") == nil)
    }

    @Test func scalarAndZeroSizeTensorsAreAccepted() throws {
        let json = #"{"s":\#(HostileFiles.entry(shape: "[]", offsets: "[0,4]")),"z":\#(HostileFiles.entry(shape: "[0,5]", offsets: "[4,4]"))}"#
        let header = try HostileFiles.parse(HostileFiles.file(json: json, dataSize: 4))
        #expect(header.tensor(named: "s")?.elementCount == 1)
        #expect(header.tensor(named: "z")?.elementCount == 0)
        #expect(header.tensor(named: "z")?.byteCount == 0)
    }

    @Test func tensorEntryThatIsNotAnObjectIsRefused() throws {
        try HostileFiles.expectRefused(file("[0,4]"), .tensorEntryNotAnObject(tensor: "t"))
    }

    @Test(arguments: ["dtype", "shape", "data_offsets"])
    func missingKeyIsRefused(key: String) throws {
        let fields = [#""dtype":"F32""#, #""shape":[1]"#, #""data_offsets":[0,4]"#].filter { !$0.hasPrefix("\"\(key)\"") }
        try HostileFiles.expectRefused(file("{" + fields.joined(separator: ",") + "}"), .missingKey(tensor: "t", key: key))
    }

    @Test func extraKeyIsRefused() throws {
        try HostileFiles.expectRefused(
            file(#"{"dtype":"F32","shape":[1],"data_offsets":[0,4],"offsets":[0,4]}"#), .unexpectedKey(tensor: "t", key: "offsets"))
    }

    @Test(arguments: [(#""F33""#, #""F33""#), (#""f32""#, #""f32""#), ("4", "4"), ("null", "null")])
    func unknownDTypeIsRefused(literal: String, reported: String) throws {
        let entry = #"{"dtype":\#(literal),"shape":[1],"data_offsets":[0,4]}"#
        try HostileFiles.expectRefused(file(entry), .unknownDType(tensor: "t", dtype: reported))
    }

    @Test func negativeDimensionIsRefused() throws {
        try HostileFiles.expectRefused(file(HostileFiles.entry(shape: "[-1]", offsets: "[0,4]")), .invalidShape(tensor: "t", shape: "[-1]"))
    }

    @Test(arguments: ["[1.0]", "[1e0]", "[0.5]", "[-0]"])
    func fractionalOrSignedDimensionIsRefused(shape: String) throws {
        try HostileFiles.expectRefused(file(HostileFiles.entry(shape: shape, offsets: "[0,4]")), .invalidShape(tensor: "t", shape: shape))
    }

    @Test func dimensionLiteralTooLargeForIntIsRefused() throws {
        let shape = "[99999999999999999999]"
        try HostileFiles.expectRefused(file(HostileFiles.entry(shape: shape, offsets: "[0,4]")), .invalidShape(tensor: "t", shape: shape))
    }

    @Test func shapeThatIsNotAnArrayIsRefused() throws {
        try HostileFiles.expectRefused(file(HostileFiles.entry(shape: #""1""#, offsets: "[0,4]")), .invalidShape(tensor: "t", shape: #""1""#))
    }

    @Test func dimensionsWhoseProductOverflowsAreRefused() throws {
        let shape = "[4294967296,4294967296]"
        try HostileFiles.expectRefused(
            file(HostileFiles.entry(shape: shape, offsets: "[0,4]")),
            .elementCountOverflow(tensor: "t", shape: [1 << 32, 1 << 32], dtype: .f32))
    }

    @Test func elementCountTimesDTypeSizeOverflowIsRefused() throws {
        try HostileFiles.expectRefused(
            file(HostileFiles.entry(shape: "[4611686018427387904]", offsets: "[0,4]")),
            .elementCountOverflow(tensor: "t", shape: [1 << 62], dtype: .f32))
    }

    @Test func hugeDimensionsAfterAZeroAreAZeroSizeTensor() throws {
        let header = try HostileFiles.parse(file(HostileFiles.entry(shape: "[0,9223372036854775807,9223372036854775807]", offsets: "[0,0]"), dataSize: 0))
        #expect(header.tensors.first?.byteCount == 0)
    }

    @Test func shapeTimesDTypeDifferentFromRangeIsRefused() throws {
        let bytes = HostileFiles.file(json: #"{"x.weight":\#(HostileFiles.entry(shape: "[4,8]", offsets: "[0,64]"))}"#, dataSize: 64)
        let error = try HostileFiles.refusal(bytes)
        #expect(error == .sizeMismatch(tensor: "x.weight", shape: [4, 8], dtype: .f32, expectedBytes: 128, spannedBytes: 64))
        #expect(error?.description == #"tensor "x.weight": shape [4, 8] × F32 is 128 bytes but data_offsets span 64"#)
    }

    @Test(arguments: ["[0]", "[0,4,8]", "[-4,0]", "[0,4.0]", #"["0","4"]"#, "{}", "[0,18446744073709551616]"])
    func dataOffsetsThatAreNotTwoNonNegativeIntegersAreRefused(offsets: String) throws {
        try HostileFiles.expectRefused(file(HostileFiles.entry(shape: "[1]", offsets: offsets)), .invalidDataOffsets(tensor: "t", offsets: offsets))
    }

    @Test func beginAfterEndIsRefused() throws {
        try HostileFiles.expectRefused(file(HostileFiles.entry(shape: "[1]", offsets: "[8,4]"), dataSize: 8), .dataOffsetsReversed(tensor: "t", begin: 8, end: 4))
    }
}
