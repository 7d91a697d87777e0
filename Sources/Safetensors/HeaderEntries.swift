import LoomJSON

/// The header's entry layer: `__metadata__`, each tensor entry, and the data layout they describe.
enum HeaderEntries {
    static let metadataKey = "__metadata__"
    private static let allowedKeys: Set<String> = ["dtype", "shape", "data_offsets"]

    /// Tensors in header order and `__metadata__`, each entry checked on its own.
    ///
    /// - Throws: the entry-level ``SafetensorsError`` cases (`metadata…`, `nulInTensorName`,
    ///   `tensorEntryNotAnObject`, `missingKey`, `unexpectedKey`, `unknownDType`, `invalidShape`,
    ///   `invalidDataOffsets`, `dataOffsetsReversed`, `elementCountOverflow`, `sizeMismatch`).
    static func decode(
        _ object: JSONObject
    ) throws(SafetensorsError) -> (tensors: [TensorInfo], metadata: [(key: String, value: String)]?) {
        var tensors: [TensorInfo] = []
        tensors.reserveCapacity(object.count)
        var metadata: [(key: String, value: String)]?
        for (name, value) in zip(object.keys, object.values) {
            if name == metadataKey {
                metadata = try decodeMetadata(value)
            } else {
                // Valid JSON (`\u0000`), but every consumer of names as C strings would truncate it.
                if name.utf8.contains(0) { throw .nulInTensorName(name) }
                tensors.append(try decodeTensor(name, value))
            }
        }
        return (tensors, metadata)
    }

    private static func decodeMetadata(_ value: JSONValue) throws(SafetensorsError) -> [(key: String, value: String)] {
        guard case .object(let object) = value else { throw .metadataNotAnObject }
        var pairs: [(key: String, value: String)] = []
        pairs.reserveCapacity(object.count)
        for (key, value) in zip(object.keys, object.values) {
            guard case .string(let text) = value else { throw .metadataValueNotString(key: key) }
            pairs.append((key, text))
        }
        return pairs
    }

    private static func decodeTensor(_ name: String, _ value: JSONValue) throws(SafetensorsError) -> TensorInfo {
        guard case .object(let entry) = value else { throw .tensorEntryNotAnObject(tensor: name) }
        if let extra = entry.keys.first(where: { !allowedKeys.contains($0) }) {
            throw .unexpectedKey(tensor: name, key: extra)
        }
        guard let dtypeValue = entry["dtype"] else { throw .missingKey(tensor: name, key: "dtype") }
        guard let shapeValue = entry["shape"] else { throw .missingKey(tensor: name, key: "shape") }
        guard let offsetsValue = entry["data_offsets"] else { throw .missingKey(tensor: name, key: "data_offsets") }

        guard case .string(let dtypeName) = dtypeValue, let dtype = DType(rawValue: dtypeName) else {
            throw .unknownDType(tensor: name, dtype: excerpt(dtypeValue))
        }
        guard case .array(let dimensions) = shapeValue else {
            throw .invalidShape(tensor: name, shape: excerpt(shapeValue))
        }
        var shape: [Int] = []
        shape.reserveCapacity(dimensions.count)
        for dimension in dimensions {
            guard let size = nonNegativeInt(dimension) else { throw .invalidShape(tensor: name, shape: excerpt(shapeValue)) }
            shape.append(size)
        }
        guard case .array(let offsets) = offsetsValue, offsets.count == 2,
            let begin = nonNegativeInt(offsets[0]), let end = nonNegativeInt(offsets[1])
        else { throw .invalidDataOffsets(tensor: name, offsets: excerpt(offsetsValue)) }
        guard begin <= end else { throw .dataOffsetsReversed(tensor: name, begin: begin, end: end) }

        guard let elements = TensorInfo.elementCount(of: shape), let bytes = TensorInfo.byteCount(of: shape, dtype: dtype)
        else { throw .elementCountOverflow(tensor: name, shape: shape, dtype: dtype) }
        guard bytes == end - begin else {
            throw .sizeMismatch(tensor: name, shape: shape, dtype: dtype, expectedBytes: bytes, spannedBytes: end - begin)
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, dataOffsets: begin..<end, elementCount: elements)
    }

    /// A JSON number written as a plain non-negative integer literal that fits `Int`; nil otherwise
    /// (negative, `-0`, fraction, exponent, too large, not a number).
    static func nonNegativeInt(_ value: JSONValue) -> Int? {
        guard case .number(let literal) = value,
            !literal.isEmpty, literal.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") })
        else { return nil }
        return Int(literal)
    }

    /// The value's JSON text, clipped: errors carry it, and a hostile header can make it huge.
    static func excerpt(_ value: JSONValue) -> String {
        let text = value.description
        return text.utf8.count > 200 ? String(text.prefix(200)) + "…" : text
    }

    /// The tensors sorted by data offset, after checking that they tile the data section exactly.
    ///
    /// - Throws: ``SafetensorsError/hole(after:before:gap:)``, ``SafetensorsError/overlap(tensor:other:)``,
    ///   ``SafetensorsError/trailingBytes(count:after:)``, ``SafetensorsError/truncated(tensor:end:dataSize:)``.
    static func checkLayout(_ tensors: [TensorInfo], dataSize: Int) throws(SafetensorsError) -> [TensorInfo] {
        // Ties keep header order, so zero-size tensors sharing an offset sort deterministically.
        let ordered = tensors.enumerated().sorted { a, b in
            let (x, y) = (a.element.dataOffsets, b.element.dataOffsets)
            if x.lowerBound != y.lowerBound { return x.lowerBound < y.lowerBound }
            if x.upperBound != y.upperBound { return x.upperBound < y.upperBound }
            return a.offset < b.offset
        }.map(\.element)
        var cursor = 0
        var previous: String?
        for tensor in ordered {
            let begin = tensor.dataOffsets.lowerBound
            if begin > cursor {
                throw .hole(after: previous, before: tensor.name, gap: cursor..<begin)
            }
            if begin < cursor, let previous {
                throw .overlap(tensor: previous, other: tensor.name)
            }
            cursor = tensor.dataOffsets.upperBound
            previous = tensor.name
        }
        if cursor < dataSize { throw .trailingBytes(count: dataSize - cursor, after: previous) }
        if cursor > dataSize, let previous { throw .truncated(tensor: previous, end: cursor, dataSize: dataSize) }
        return ordered
    }
}
