import LoomJSON

/// A sharded checkpoint's `model.safetensors.index.json`: which shard file holds each tensor.
///
/// ``parse(_:)`` checks the document's shape and that every file name is a plain file name in the
/// index's own directory: not empty, not `.` or `..`, and without `/`, `\` or NUL. Subdirectories are
/// refused on purpose, so that no name can reach outside the directory. ``validate(shardTensors:existingFiles:)``
/// then checks the index against the shards' actual contents. ``serialized(totalSize:weightMap:)``
/// writes an index the way transformers does.
///
/// A value type, `Sendable`.
///
/// ## Topics
/// - ``parse(_:)``, ``validate(shardTensors:existingFiles:)``, ``serialized(totalSize:weightMap:)``
/// - ``totalSize``, ``weightMap``, ``files``, ``file(for:)``, ``isPlainFileName(_:)``
public struct ShardIndex: Sendable, Equatable {
    /// The conventional name of the index file.
    public static let fileName = "model.safetensors.index.json"

    /// `metadata.total_size` (the tensors' data bytes, summed over the shards), when present.
    public let totalSize: Int?
    /// `weight_map` in file order: tensor name → shard file name.
    public let weightMap: [(tensor: String, file: String)]
    /// The distinct shard file names, in order of first appearance in ``weightMap``.
    public let files: [String]
    /// Keyed by the tensor name's bytes: `String` keys would also match another normalization.
    private let fileByTensor: [[UInt8]: String]

    init(totalSize: Int?, weightMap: [(tensor: String, file: String)]) {
        self.totalSize = totalSize
        self.weightMap = weightMap
        var seen: Set<[UInt8]> = []
        self.files = weightMap.map(\.file).filter { seen.insert(Array($0.utf8)).inserted }
        self.fileByTensor = Dictionary(weightMap.map { (Array($0.tensor.utf8), $0.file) }, uniquingKeysWith: { first, _ in first })
    }

    /// The shard file holding `tensor` according to the index, or nil; O(1) in the number of tensors.
    /// Names match byte for byte, not up to Unicode normalization.
    public func file(for tensor: String) -> String? {
        fileByTensor[Array(tensor.utf8)]
    }

    /// Equal when total size and weight map (in order) are equal.
    public static func == (lhs: ShardIndex, rhs: ShardIndex) -> Bool {
        lhs.totalSize == rhs.totalSize && lhs.weightMap.map(\.tensor) == rhs.weightMap.map(\.tensor)
            && lhs.weightMap.map(\.file) == rhs.weightMap.map(\.file)
    }

    /// True for a name that stays in the directory it is resolved against: not empty, not `.` or
    /// `..`, and no `/`, `\` or NUL.
    public static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".."
            && !name.utf8.contains { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 }
    }

    /// Parses an index file's bytes.
    ///
    /// Top-level keys other than `metadata` and `weight_map` are refused; keys inside `metadata` other
    /// than `total_size` are ignored. `total_size` may be written as an integral float (`123.0`).
    ///
    /// - Throws: ``SafetensorsError/shardIndexNotJSON(offset:reason:)``, ``SafetensorsError/shardIndexNotAnObject``,
    ///   ``SafetensorsError/shardIndexUnexpectedKey(_:)``, ``SafetensorsError/shardIndexMissingWeightMap``,
    ///   ``SafetensorsError/shardIndexWeightMapNotAnObject``, ``SafetensorsError/shardIndexMetadataNotAnObject``,
    ///   ``SafetensorsError/shardIndexInvalidTotalSize(_:)``, ``SafetensorsError/shardIndexEntryNotString(tensor:)``,
    ///   ``SafetensorsError/shardIndexDuplicateTensor(_:)``, ``SafetensorsError/invalidShardFileName(tensor:file:)``.
    public static func parse(_ bytes: [UInt8]) throws(SafetensorsError) -> ShardIndex {
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(SafetensorsError) in try json(buffer) }
        }
        guard case .object(let root) = try parsed.get() else { throw .shardIndexNotAnObject }
        if let extra = root.keys.first(where: { $0 != "metadata" && $0 != "weight_map" }) {
            throw .shardIndexUnexpectedKey(extra)
        }
        var totalSize: Int?
        if let metadata = root["metadata"] {
            guard case .object(let fields) = metadata else { throw .shardIndexMetadataNotAnObject }
            if let size = fields["total_size"] {
                guard let value = integralSize(size) else { throw .shardIndexInvalidTotalSize(HeaderEntries.excerpt(size)) }
                totalSize = value
            }
        }
        guard let mapValue = root["weight_map"] else { throw .shardIndexMissingWeightMap }
        guard case .object(let map) = mapValue else { throw .shardIndexWeightMapNotAnObject }
        var weightMap: [(tensor: String, file: String)] = []
        weightMap.reserveCapacity(map.count)
        for (tensor, value) in zip(map.keys, map.values) {
            guard case .string(let file) = value else { throw .shardIndexEntryNotString(tensor: tensor) }
            guard isPlainFileName(file) else { throw .invalidShardFileName(tensor: tensor, file: file) }
            weightMap.append((tensor, file))
        }
        return ShardIndex(totalSize: totalSize, weightMap: weightMap)
    }

    private static func json(_ buffer: UnsafeBufferPointer<UInt8>) throws(SafetensorsError) -> JSONValue {
        do {
            return try JSONParser(maxDepth: 3).parse(buffer)
        } catch {
            // Depth 2 is inside weight_map or metadata, the only objects below the root.
            if error.reason.hasPrefix("duplicate key"), let key = HeaderText.string(at: error.offset, in: buffer),
                HeaderText.depth(at: error.offset, in: buffer) == 2
            {
                throw .shardIndexDuplicateTensor(key)
            }
            throw .shardIndexNotJSON(offset: error.offset, reason: error.reason)
        }
    }

    private static func integralSize(_ value: JSONValue) -> Int? {
        if let exact = HeaderEntries.nonNegativeInt(value) { return exact }
        // Some writers emit floats; accept them only when exactly integral and below 2^53.
        guard let d = value.doubleValue, d >= 0, d < 9_007_199_254_740_992, d.rounded() == d else { return nil }
        return Int(d)
    }

    /// An index as transformers writes it: `{"metadata": {"total_size": …}, "weight_map": {…}}` with
    /// keys sorted, two-space indent, `": "` after keys, non-ASCII escaped as `\uXXXX`, and a final
    /// newline (Python's `json.dumps(index, indent=2, sort_keys=True) + "\n"`).
    ///
    /// Byte-identical to transformers except for names containing backspace or form feed, which
    /// Python escapes as `\b` and `\f` and this writes as `\u0008` and `\u000c` (the same JSON value).
    public static func serialized(totalSize: Int, weightMap: [String: String]) -> [UInt8] {
        let map = JSONObject(weightMap.map { ($0.key, JSONValue.string($0.value)) })
        let index: JSONValue = .object(["metadata": .object(["total_size": .int(totalSize)]), "weight_map": .object(map)])
        let text = JSONWriter(indent: 2, sortKeys: true).string(index)
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 1)
        for scalar in text.unicodeScalars {
            if scalar.value < 0x7F {
                out.append(UInt8(scalar.value))
            } else {
                for unit in String(scalar).utf16 { out.append(contentsOf: Array(escapeUnit(unit).utf8)) }
            }
        }
        out.append(0x0A)
        return out
    }

    private static func escapeUnit(_ unit: UInt16) -> String {
        let digits = String(unit, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
    }
}
