import LoomJSON

/// The exact bytes and offsets of a safetensors file to be written, computed before any tensor data
/// exists: the write side, built for streaming.
///
/// The file is ``headerBytes`` followed by each tensor's bytes in the given order, nothing between and
/// nothing after. The header is what the Python library writes: the 8-byte little-endian length, then
/// compact JSON with `__metadata__` first and the tensors in the given order with contiguous
/// `data_offsets`, padded with spaces so that the data section starts at a multiple of 8. This type
/// does no I/O; ``write(to:tensors:metadata:)`` is a plain convenience for tests and benchmarks.
///
/// A value type, `Sendable`.
///
/// ## Topics
/// - ``init(tensors:metadata:)``, ``headerBytes``, ``entries``, ``fileSize``
/// - ``Entry``, ``write(to:tensors:metadata:)``
public struct SafetensorsLayout: Sendable, Equatable {
    /// Where one tensor's bytes go.
    public struct Entry: Sendable, Hashable {
        /// The tensor's name.
        public let name: String
        /// The element type.
        public let dtype: DType
        /// The dimensions.
        public let shape: [Int]
        /// Absolute file offset of the tensor's first byte.
        public let fileOffset: Int
        /// Number of data bytes: shape × dtype size.
        public let byteCount: Int

        /// The tensor's absolute byte range in the file.
        public var fileRange: Range<Int> { fileOffset..<(fileOffset + byteCount) }
    }

    /// The first bytes of the file: length field, JSON header and padding. `count` is a multiple of 8.
    public let headerBytes: [UInt8]
    /// One entry per tensor, in the given (and file) order.
    public let entries: [Entry]
    /// The size of the complete file.
    public let fileSize: Int

    /// Lays out a file holding these tensors, in this order, and this metadata.
    ///
    /// - Parameters:
    ///   - tensors: names must be unique and not `__metadata__`; dimensions non-negative.
    ///   - metadata: `__metadata__` entries in order, or nil for none; keys must be unique.
    /// - Throws: ``SafetensorsError/reservedTensorName(_:)``, ``SafetensorsError/duplicateTensorName(_:)``,
    ///   ``SafetensorsError/duplicateMetadataKey(_:)``, ``SafetensorsError/invalidShape(tensor:shape:)``,
    ///   ``SafetensorsError/elementCountOverflow(tensor:shape:dtype:)``, or
    ///   ``SafetensorsError/headerTooLarge(headerLength:)`` when the header would exceed the reader's limit.
    public init(
        tensors: [(name: String, dtype: DType, shape: [Int])],
        metadata: [(key: String, value: String)]? = nil
    ) throws(SafetensorsError) {
        var header = JSONObject()
        if let metadata {
            var object = JSONObject()
            for (key, value) in metadata {
                guard object.appendUnique(key, .string(value)) else { throw .duplicateMetadataKey(key) }
            }
            header.appendUnique(HeaderEntries.metadataKey, .object(object))
        }
        var offset = 0
        var placed: [(name: String, dtype: DType, shape: [Int], begin: Int, count: Int)] = []
        placed.reserveCapacity(tensors.count)
        for (name, dtype, shape) in tensors {
            guard name != HeaderEntries.metadataKey else { throw .reservedTensorName(name) }
            guard shape.allSatisfy({ $0 >= 0 }) else {
                throw .invalidShape(tensor: name, shape: "[" + shape.map(String.init).joined(separator: ",") + "]")
            }
            guard let count = TensorInfo.byteCount(of: shape, dtype: dtype) else {
                throw .elementCountOverflow(tensor: name, shape: shape, dtype: dtype)
            }
            let (end, overflow) = offset.addingReportingOverflow(count)
            guard !overflow else { throw .elementCountOverflow(tensor: name, shape: shape, dtype: dtype) }
            let entry: JSONValue = .object([
                "dtype": .string(dtype.rawValue),
                "shape": .array(shape.map { .int($0) }),
                "data_offsets": [.int(offset), .int(end)],
            ])
            guard header.appendUnique(name, entry) else { throw .duplicateTensorName(name) }
            placed.append((name, dtype, shape, offset, count))
            offset = end
        }
        var json = JSONWriter.canonical.bytes(.object(header))
        json.append(contentsOf: repeatElement(0x20, count: (8 - json.count % 8) % 8))
        guard UInt64(json.count) <= SafetensorsHeader.maxHeaderLength else {
            throw .headerTooLarge(headerLength: UInt64(json.count))
        }
        let n = UInt64(json.count)
        var bytes = (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * $0)) }
        bytes.append(contentsOf: json)
        let dataStart = bytes.count
        // dataStart ≤ 100 MB + 8, so only the data total can overflow.
        let (size, overflow) = dataStart.addingReportingOverflow(offset)
        if overflow, let last = placed.last {
            throw .elementCountOverflow(tensor: last.name, shape: last.shape, dtype: last.dtype)
        }
        self.init(
            headerBytes: bytes,
            entries: placed.map {
                Entry(name: $0.name, dtype: $0.dtype, shape: $0.shape, fileOffset: dataStart + $0.begin, byteCount: $0.count)
            },
            fileSize: size
        )
    }

    private init(headerBytes: [UInt8], entries: [Entry], fileSize: Int) {
        self.headerBytes = headerBytes
        self.entries = entries
        self.fileSize = fileSize
    }
}
