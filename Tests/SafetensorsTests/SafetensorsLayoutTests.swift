import Foundation
import LoomTesting
import Safetensors
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The write side: exact header bytes, offsets, and round trips through the reader.
@Suite struct SafetensorsLayoutTests {
    private static func bytes(_ count: Int, seed: UInt8) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ Int(seed)) }
    }

    @Test func writtenFileReadsBackIdentical() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("out.safetensors")
        let tensors: [(name: String, dtype: DType, shape: [Int], bytes: [UInt8])] = [
            ("z.last", .bf16, [3, 5], Self.bytes(30, seed: 1)),
            ("a.first", .f32, [2, 2], Self.bytes(16, seed: 2)),
            ("empty", .f16, [0, 7], []),
            ("scalar", .i64, [], Self.bytes(8, seed: 3)),
            ("odd", .u8, [3], Self.bytes(3, seed: 4)),
            ("ünïcode \"name\"", .f64, [1], Self.bytes(8, seed: 5)),
        ]
        let layout = try SafetensorsLayout.write(to: path, tensors: tensors, metadata: [("format", "pt"), ("b", "2"), ("a", "1")])
        let file = try SafetensorsFile(path: path)
        #expect(layout.headerBytes.count % 8 == 0)
        #expect(file.header.headerByteCount == layout.headerBytes.count)
        #expect(file.fileSize == layout.fileSize)
        #expect(file.header.tensors.map(\.name) == tensors.map(\.name))
        #expect(file.header.metadata?.map(\.key) == ["format", "b", "a"])
        for (tensor, entry) in zip(tensors, layout.entries) {
            let info = try #require(file.header.tensor(named: tensor.name))
            #expect(info.dtype == tensor.dtype && info.shape == tensor.shape)
            #expect(Array(file.bytes(of: info)) == tensor.bytes)
            #expect(file.header.fileRange(of: info) == entry.fileRange)
        }
    }

    @Test func headerIsCompactMetadataFirstAndSpacePadded() throws {
        let layout = try SafetensorsLayout(tensors: [("b", .f32, [2]), ("a", .bf16, [1, 3])], metadata: [("format", "pt")])
        let json = #"{"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"a":{"dtype":"BF16","shape":[1,3],"data_offsets":[8,14]}}"#
        let padding = (8 - json.utf8.count % 8) % 8
        let n = UInt64(json.utf8.count + padding)
        let expected = (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + Array(json.utf8) + Array(repeating: 0x20, count: padding)
        #expect(layout.headerBytes == expected)
        #expect(layout.entries.map(\.fileOffset) == [expected.count, expected.count + 8])
        #expect(layout.fileSize == expected.count + 14)
    }

    @Test func noMetadataWritesNoMetadataKey() throws {
        let layout = try SafetensorsLayout(tensors: [("t", .u8, [1])])
        #expect(!String(decoding: layout.headerBytes, as: UTF8.self).contains("__metadata__"))
        let empty = try SafetensorsLayout(tensors: [], metadata: [])
        #expect(String(decoding: empty.headerBytes.dropFirst(8), as: UTF8.self) == #"{"__metadata__":{}}     "#)
    }

    /// The Python library wrote the fixtures: laying out their tensors again must give the same bytes.
    @Test(arguments: SafetensorsFileTests.validFixtures)
    func layoutReproducesPythonHeaders(relative: String) throws {
        let file = try SafetensorsFile(path: Fixtures.path(relative))
        let layout = try SafetensorsLayout(tensors: file.header.tensors.map { ($0.name, $0.dtype, $0.shape) }, metadata: file.header.metadata)
        #expect(layout.headerBytes == Array(file.fileBytes.prefix(file.header.headerByteCount)))
        #expect(layout.fileSize == file.fileSize)
    }

    @Test func duplicateTensorNameIsRefused() {
        #expect(throws: SafetensorsError.duplicateTensorName("t")) { try SafetensorsLayout(tensors: [("t", .f32, [1]), ("t", .f32, [1])]) }
    }

    @Test func metadataKeyAsTensorNameIsRefused() {
        #expect(throws: SafetensorsError.reservedTensorName("__metadata__")) { try SafetensorsLayout(tensors: [("__metadata__", .u8, [1])]) }
    }

    @Test func duplicateMetadataKeyIsRefused() {
        #expect(throws: SafetensorsError.duplicateMetadataKey("k")) { try SafetensorsLayout(tensors: [], metadata: [("k", "1"), ("k", "2")]) }
    }

    @Test func negativeDimensionIsRefusedWhenWriting() {
        #expect(throws: SafetensorsError.invalidShape(tensor: "t", shape: "[2,-1]")) { try SafetensorsLayout(tensors: [("t", .f32, [2, -1])]) }
    }

    @Test func sizeOverflowIsRefusedWhenWriting() {
        #expect(throws: SafetensorsError.elementCountOverflow(tensor: "t", shape: [1 << 62], dtype: .f32)) {
            try SafetensorsLayout(tensors: [("t", .f32, [1 << 62])])
        }
        #expect(throws: SafetensorsError.elementCountOverflow(tensor: "u", shape: [1 << 62], dtype: .u8)) {
            try SafetensorsLayout(tensors: [("t", .u8, [1 << 62]), ("u", .u8, [1 << 62])])
        }
    }

    @Test func wrongByteCountIsRefusedBeforeWriting() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("never.safetensors")
        #expect(throws: SafetensorsError.tensorDataSizeMismatch(tensor: "t", expected: 8, actual: 7)) {
            try SafetensorsLayout.write(to: path, tensors: [("t", .f32, [2], Array(repeating: 0, count: 7))])
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func unwritablePathIsReported() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("missing/dir/x.safetensors")
        #expect(throws: SafetensorsError.writeFailed(path: path, errno: ENOENT)) {
            try SafetensorsLayout.write(to: path, tensors: [("t", .u8, [1], [7])])
        }
    }
}
