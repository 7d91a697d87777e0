import LoomTesting
import Safetensors
import Testing

/// Framing and header text: length field, UTF-8, JSON, object, padding, metadata, duplicates.
@Suite struct SafetensorsHeaderTests {
    let one = HostileFiles.entry(shape: "[1]", offsets: "[0,4]")

    @Test func validHeaderParses() throws {
        let header = try HostileFiles.parse(HostileFiles.file(json: #"{"__metadata__":{"b":"2","a":"1"},"t":\#(one)}"#, dataSize: 4))
        #expect(header.tensors.map(\.name) == ["t"])
        #expect(header.metadata?.map(\.key) == ["b", "a"])
        #expect(header.metadataValue(forKey: "a") == "1")
        #expect(header.headerByteCount % 8 == 0)
        #expect(header.dataSize == 4)
        let t = try #require(header.tensor(named: "t"))
        #expect(header.fileRange(of: t) == header.dataStart..<(header.dataStart + 4))
    }

    @Test func emptyHeaderWithoutDataIsValid() throws {
        let header = try HostileFiles.parse(HostileFiles.file(header: Array("{}".utf8)))
        #expect(header.tensors.isEmpty)
        #expect(header.metadata == nil)
        #expect(header.fileSize == 10)
    }

    @Test func zeroLengthFileIsRefused() throws {
        try HostileFiles.expectRefused([], .fileTooShort(fileSize: 0))
    }

    @Test func fileShorterThanEightBytesIsRefused() throws {
        try HostileFiles.expectRefused([2, 0, 0, 0, 0], .fileTooShort(fileSize: 5))
    }

    @Test func headerLengthOfTwoToTheSixtyThreeIsRefused() throws {
        try HostileFiles.expectRefused(HostileFiles.file(length: 1 << 63, header: Array("{}".utf8)), .headerTooLarge(headerLength: 1 << 63))
    }

    @Test func headerLengthOfTwoToTheSixtyFourMinusOneIsRefused() throws {
        try HostileFiles.expectRefused(HostileFiles.file(length: .max, header: Array("{}".utf8)), .headerTooLarge(headerLength: .max))
    }

    @Test func headerOverflowFixtureIsRefused() throws {
        let path = Fixtures.path("bad/header-overflow/adapter_model.safetensors")
        #expect(throws: SafetensorsError.headerTooLarge(headerLength: 1 << 63)) { try SafetensorsFile(path: path) }
        #expect(throws: SafetensorsError.headerTooLarge(headerLength: 1 << 63)) { try SafetensorsFile.readHeader(atPath: path) }
    }

    @Test func headerLargerThanHundredMegabytesIsRefused() throws {
        try HostileFiles.expectRefused(HostileFiles.file(length: 100_000_001, header: Array("{}".utf8)), .headerTooLarge(headerLength: 100_000_001))
    }

    @Test func headerLengthPastEndOfFileIsRefused() throws {
        let bytes = HostileFiles.file(length: 100, header: Array(#"{"a":1}"#.utf8))
        try HostileFiles.expectRefused(bytes, .headerPastEndOfFile(headerLength: 100, fileSize: 15))
    }

    @Test(arguments: [UInt64(0), 1])
    func headerLengthBelowTwoIsRefused(length: UInt64) throws {
        try HostileFiles.expectRefused(HostileFiles.file(length: length, header: Array("{}".utf8)), .headerTooSmall(headerLength: length))
    }

    @Test func prefixShorterThanHeaderIsRefused() {
        let bytes = HostileFiles.file(json: "{}")
        #expect(throws: SafetensorsError.prefixTooShort(needed: 16, available: 12)) {
            try bytes.withUnsafeBytes { try SafetensorsHeader.parse(UnsafeRawBufferPointer(rebasing: $0[0..<12]), fileSize: bytes.count) }
        }
    }

    @Test func headerByteCountNeedsOnlyTheFirstEightBytes() throws {
        let bytes = HostileFiles.file(json: #"{"t":\#(one)}"#, dataSize: 4)
        let count = try bytes.withUnsafeBytes { try SafetensorsHeader.headerByteCount(first8: UnsafeRawBufferPointer(rebasing: $0[0..<8]), fileSize: bytes.count) }
        #expect(count == bytes.count - 4)
        #expect(bytes.withUnsafeBytes { SafetensorsHeader.headerLength(UnsafeRawBufferPointer(rebasing: $0[0..<7])) } == nil)
    }

    @Test(arguments: [
        ([0xFF], 4), ([0xC0, 0x80], 4), ([0xED, 0xA0, 0x80], 4), ([0xE2, 0x82], 4), ([0xF4, 0x90, 0x80, 0x80], 4),
    ] as [([UInt8], Int)])
    func invalidUTF8IsRefused(bad: [UInt8], offset: Int) throws {
        // {"é<bad>":1}: the bad sequence follows a valid two-byte one.
        let header = Array(#"{"é"#.utf8) + bad + Array(#"":1}"#.utf8)
        try HostileFiles.expectRefused(HostileFiles.file(header: header), .headerNotUTF8(offset: offset))
    }

    @Test func headerThatIsNotJSONIsRefused() throws {
        let error = try HostileFiles.refusal(HostileFiles.file(json: #"{"a": nope}"#))
        guard case .headerNotJSON(let offset, _) = error else {
            Issue.record("expected headerNotJSON, got \(String(describing: error))")
            return
        }
        #expect(offset == 6)
    }

    @Test func jsonArrayInsteadOfObjectIsRefused() throws {
        try HostileFiles.expectRefused(HostileFiles.file(json: "[1,2]"), .headerNotAnObject)
    }

    @Test func depthBombIsRefused() throws {
        let bomb = #"{"a":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        try HostileFiles.expectRefused(HostileFiles.file(json: bomb), .headerTooDeep(offset: 8, maxDepth: 4))
    }

    @Test func nestedShapeIsAnInvalidShapeNotADepthError() throws {
        let json = #"{"t":\#(HostileFiles.entry(shape: "[[1]]", offsets: "[0,4]"))}"#
        try HostileFiles.expectRefused(HostileFiles.file(json: json, dataSize: 4), .invalidShape(tensor: "t", shape: "[[1]]"))
    }

    @Test func trailingSpacesAreAccepted() throws {
        let header = try HostileFiles.parse(HostileFiles.file(header: Array("{}".utf8) + Array(repeating: 0x20, count: 30)))
        #expect(header.headerByteCount == 40)
    }

    @Test func leadingWhitespaceIsRefused() throws {
        try HostileFiles.expectRefused(HostileFiles.file(json: " {}"), .invalidHeaderPadding(offset: 0, byte: 0x20))
    }

    @Test func trailingNewlineIsRefused() throws {
        try HostileFiles.expectRefused(HostileFiles.file(json: "{} \n"), .invalidHeaderPadding(offset: 3, byte: 0x0A))
    }

    @Test func trailingNULPaddingIsRefused() throws {
        try HostileFiles.expectRefused(HostileFiles.file(header: Array("{}".utf8) + [0, 0, 0, 0, 0, 0]), .invalidHeaderPadding(offset: 2, byte: 0))
    }

    @Test func trailingGarbageAfterObjectIsRefused() throws {
        try HostileFiles.expectRefused(HostileFiles.file(json: "{}  x"), .invalidHeaderPadding(offset: 4, byte: UInt8(ascii: "x")))
    }

    @Test func metadataThatIsNotAnObjectIsRefused() throws {
        try HostileFiles.expectRefused(HostileFiles.file(json: #"{"__metadata__":["a"]}"#), .metadataNotAnObject)
    }

    @Test func metadataWithNonStringValueIsRefused() throws {
        try HostileFiles.expectRefused(HostileFiles.file(json: #"{"__metadata__":{"ok":"1","n":2}}"#), .metadataValueNotString(key: "n"))
    }

    @Test func duplicateTensorNamesAreRefused() throws {
        let json = #"{"t":\#(one),"u":\#(HostileFiles.entry(shape: "[1]", offsets: "[4,8]")),"t":\#(one)}"#
        let error = try HostileFiles.refusal(HostileFiles.file(json: json, dataSize: 8))
        #expect(error == .duplicateTensorName("t"))
        #expect(error?.description == #"tensor "t" appears twice in the header"#)
    }

    @Test func duplicateEscapedTensorNameIsReportedDecoded() throws {
        let json = #"{"a\"b":\#(one),"a\u0022b":\#(one)}"#
        try HostileFiles.expectRefused(HostileFiles.file(json: json, dataSize: 4), .duplicateTensorName("a\"b"))
    }

    @Test func duplicateKeyInsideEntryIsRefused() throws {
        let json = #"{"t":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        try HostileFiles.expectRefused(HostileFiles.file(json: json, dataSize: 4), .duplicateKey("dtype"))
    }

    @Test func messagesQuoteNamesOnOneLine() {
        let error = SafetensorsError.sizeMismatch(tensor: "x.weight", shape: [4, 8], dtype: .f32, expectedBytes: 128, spannedBytes: 64)
        #expect(error.description == #"tensor "x.weight": shape [4, 8] × F32 is 128 bytes but data_offsets span 64"#)
        #expect(SafetensorsError.missingKey(tensor: "a\nb", key: "dtype").description == #"tensor "a\nb": missing "dtype""#)
        let long = SafetensorsError.duplicateTensorName(String(repeating: "x", count: 10_000)).description
        #expect(long.count < 300)
    }
}
