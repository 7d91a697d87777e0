import Foundation
import LoomTesting
import Safetensors
import Testing

/// Hand-crafted safetensors bytes for the refusal tests.
enum HostileFiles {
    /// A file: the 8-byte little-endian `length` (default: the header's size), the header, the data.
    static func file(length: UInt64? = nil, header: [UInt8], data: [UInt8] = []) -> [UInt8] {
        let n = length ?? UInt64(header.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + header + data
    }

    /// A file whose header is `json` padded with spaces to a multiple of 8, followed by `dataSize` bytes.
    static func file(json: String, dataSize: Int = 0) -> [UInt8] {
        var header = Array(json.utf8)
        header += repeatElement(0x20, count: (8 - header.count % 8) % 8)
        return file(header: header, data: (0..<dataSize).map { UInt8(truncatingIfNeeded: $0 &* 31) })
    }

    /// A tensor entry's JSON text.
    static func entry(_ dtype: String = "F32", shape: String, offsets: String) -> String {
        #"{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}"#
    }

    /// Parses `bytes` as a whole file held in memory.
    static func parse(_ bytes: [UInt8]) throws(SafetensorsError) -> SafetensorsHeader {
        let result = bytes.withUnsafeBytes { buffer in
            Result { () throws(SafetensorsError) in try SafetensorsHeader.parse(buffer, fileSize: bytes.count) }
        }
        return try result.get()
    }

    /// The error for `bytes`, after checking that all three readers agree on it: ``SafetensorsHeader/parse(_:fileSize:)``
    /// in memory, ``SafetensorsFile/init(path:)`` and ``SafetensorsFile/readHeader(atPath:)`` on a real file.
    /// Records an issue and returns nil when any of them accepts the bytes.
    static func refusal(_ bytes: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws -> SafetensorsError? {
        let directory = try TemporaryDirectory()
        let path = directory.file("hostile.safetensors")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var errors: [SafetensorsError] = []
        for (reader, attempt) in [
            ("parse", { () throws(SafetensorsError) in _ = try parse(bytes) }),
            ("SafetensorsFile", { () throws(SafetensorsError) in _ = try SafetensorsFile(path: path) }),
            ("readHeader", { () throws(SafetensorsError) in _ = try SafetensorsFile.readHeader(atPath: path) }),
        ] as [(String, () throws(SafetensorsError) -> Void)] {
            do {
                try attempt()
                Issue.record("\(reader) accepted the file", sourceLocation: sourceLocation)
                return nil
            } catch {
                errors.append(error)
            }
        }
        #expect(Set(errors.map(\.description)).count == 1, "readers disagree: \(errors)", sourceLocation: sourceLocation)
        return errors.first
    }

    /// Checks that `bytes` are refused with exactly `expected`, and that the message is one line.
    static func expectRefused(
        _ bytes: [UInt8], _ expected: SafetensorsError, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let error = try refusal(bytes, sourceLocation: sourceLocation)
        #expect(error == expected, sourceLocation: sourceLocation)
        if let error {
            #expect(!error.description.contains("\n"), "multi-line message: \(error)", sourceLocation: sourceLocation)
        }
    }
}
