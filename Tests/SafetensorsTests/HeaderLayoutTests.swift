import LoomTesting
import Safetensors
import Testing

/// The data section: spans sorted by offset must tile it exactly, from 0 to its last byte.
@Suite struct HeaderLayoutTests {
    private func file(_ tensors: [(String, String)], dataSize: Int) -> [UInt8] {
        let members = tensors.map { #""\#($0.0)":\#(HostileFiles.entry(shape: "[\(span($0.1) / 4)]", offsets: $0.1))"# }
        return HostileFiles.file(json: "{" + members.joined(separator: ",") + "}", dataSize: dataSize)
    }

    private func span(_ offsets: String) -> Int {
        let bounds = offsets.dropFirst().dropLast().split(separator: ",").compactMap { Int($0) }
        return bounds.count == 2 ? bounds[1] - bounds[0] : 0
    }

    @Test func tensorsComeInDataOffsetOrder() throws {
        let header = try HostileFiles.parse(file([("b", "[8,16]"), ("z", "[8,8]"), ("a", "[0,8]"), ("y", "[8,8]")], dataSize: 16))
        #expect(header.tensors.map(\.name) == ["a", "z", "y", "b"])
        #expect(header.tensor(named: "b")?.dataOffsets == 8..<16)
    }

    @Test func holeBetweenTensorsIsRefused() throws {
        try HostileFiles.expectRefused(file([("a", "[0,4]"), ("b", "[8,12]")], dataSize: 12), .hole(after: "a", before: "b", gap: 4..<8))
    }

    @Test func holeBeforeFirstTensorIsRefused() throws {
        try HostileFiles.expectRefused(file([("a", "[4,8]")], dataSize: 8), .hole(after: nil, before: "a", gap: 0..<4))
    }

    @Test func overlappingOffsetsAreRefused() throws {
        try HostileFiles.expectRefused(file([("a", "[0,8]"), ("b", "[4,12]")], dataSize: 12), .overlap(tensor: "a", other: "b"))
    }

    @Test func identicalOffsetsAreRefused() throws {
        try HostileFiles.expectRefused(file([("a", "[0,4]"), ("b", "[0,4]")], dataSize: 4), .overlap(tensor: "a", other: "b"))
    }

    @Test func zeroSizeTensorInsideAnotherIsRefused() throws {
        try HostileFiles.expectRefused(file([("a", "[0,8]"), ("z", "[4,4]")], dataSize: 8), .overlap(tensor: "a", other: "z"))
    }

    @Test func trailingBytesAfterLastTensorAreRefused() throws {
        try HostileFiles.expectRefused(file([("a", "[0,4]"), ("b", "[4,8]")], dataSize: 11), .trailingBytes(count: 3, after: "b"))
    }

    @Test func dataInAFileWithoutTensorsIsRefused() throws {
        try HostileFiles.expectRefused(HostileFiles.file(json: "{}", dataSize: 5), .trailingBytes(count: 5, after: nil))
    }

    @Test func truncatedFileIsRefused() throws {
        try HostileFiles.expectRefused(file([("a", "[0,4]"), ("b", "[4,8]")], dataSize: 6), .truncated(tensor: "b", end: 8, dataSize: 6))
    }

    @Test func truncatedFixtureIsRefused() throws {
        let path = Fixtures.path("bad/truncated/adapter_model.safetensors")
        let error = try #require(#expect(throws: SafetensorsError.self) { try SafetensorsFile(path: path) })
        guard case .truncated(let tensor, let end, let dataSize) = error else {
            Issue.record("expected truncated, got \(error)")
            return
        }
        #expect(end == 23032 - 1528 && dataSize == 11516 - 1528)
        #expect(tensor.hasSuffix("lora_B.weight"))
        #expect(throws: error) { try SafetensorsFile.readHeader(atPath: path) }
    }
}
