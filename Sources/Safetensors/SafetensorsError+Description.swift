#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import LoomJSON

extension SafetensorsError: CustomStringConvertible {
    /// One line naming the culprit; names are JSON-quoted so that control characters cannot break the line.
    public var description: String {
        switch self {
        case .fileTooShort(let size):
            "file is \(size) bytes, shorter than the 8-byte header length"
        case .headerTooLarge(let n):
            "header length \(n) exceeds the \(SafetensorsHeader.maxHeaderLength)-byte limit"
        case .headerPastEndOfFile(let n, let size):
            "header length \(n) runs past the end of the \(size)-byte file"
        case .headerTooSmall(let n):
            "header length \(n) is too small for a JSON object"
        case .prefixTooShort(let needed, let available):
            "header parse needs the first \(needed) bytes of the file, got \(available)"
        case .headerNotUTF8(let offset):
            "header is not valid UTF-8 (header byte \(offset))"
        case .headerNotJSON(let offset, let reason):
            "header is not JSON: \(reason) at header byte \(offset)"
        case .headerTooDeep(let offset, let maxDepth):
            "header nests deeper than \(maxDepth) levels (header byte \(offset))"
        case .headerNotAnObject:
            "header is JSON but not an object"
        case .invalidHeaderPadding(let offset, let byte):
            "header byte \(offset) is \(hex(byte)) outside the JSON object; only trailing spaces may pad it"
        case .metadataNotAnObject:
            "__metadata__ is not an object of strings"
        case .metadataValueNotString(let key):
            "__metadata__ value for \(quoted(key)) is not a string"
        case .tensorEntryNotAnObject(let tensor):
            "tensor \(quoted(tensor)): entry is not an object"
        case .missingKey(let tensor, let key):
            "tensor \(quoted(tensor)): missing \"\(key)\""
        case .unexpectedKey(let tensor, let key):
            "tensor \(quoted(tensor)): unexpected key \(quoted(key)) (allowed: dtype, shape, data_offsets)"
        case .unknownDType(let tensor, let dtype):
            "tensor \(quoted(tensor)): unknown dtype \(clipped(dtype))"
        case .invalidShape(let tensor, let shape):
            "tensor \(quoted(tensor)): shape \(clipped(shape)) is not a list of non-negative integers"
        case .invalidDataOffsets(let tensor, let offsets):
            "tensor \(quoted(tensor)): data_offsets \(clipped(offsets)) is not two non-negative integers"
        case .dataOffsetsReversed(let tensor, let begin, let end):
            "tensor \(quoted(tensor)): data_offsets [\(begin), \(end)] begin after they end"
        case .elementCountOverflow(let tensor, let shape, let dtype):
            "tensor \(quoted(tensor)): shape \(list(shape)) × \(dtype) overflows the byte count"
        case .sizeMismatch(let tensor, let shape, let dtype, let expected, let spanned):
            "tensor \(quoted(tensor)): shape \(list(shape)) × \(dtype) is \(expected) bytes but data_offsets span \(spanned)"
        case .duplicateTensorName(let name):
            "tensor \(quoted(name)) appears twice in the header"
        case .tooManyTensors(let limit):
            "the header has more than \(limit) tensors (loom's limit per file and per model)"
        case .nulInTensorName(let name):
            "tensor \(quoted(name)) has a NUL character (\\u0000) in its name"
        case .duplicateKey(let key):
            "key \(quoted(key)) appears twice in one header entry"
        case .hole(let after, let before, let gap):
            "data bytes \(gap.lowerBound)..<\(gap.upperBound) belong to no tensor ("
                + (after.map { "between \(quoted($0)) and " } ?? "before ") + "\(quoted(before)))"
        case .overlap(let tensor, let other):
            "tensors \(quoted(tensor)) and \(quoted(other)) overlap"
        case .trailingBytes(let count, let after):
            "\(count) data bytes " + (after.map { "after the last tensor \(quoted($0))" } ?? "in a file without tensors")
                + " belong to no tensor"
        case .truncated(let tensor, let end, let dataSize):
            "file is truncated: tensor \(quoted(tensor)) ends at data byte \(end) but the data section has \(dataSize) bytes"
        case .reservedTensorName(let name):
            "\(quoted(name)) is reserved and cannot name a tensor"
        case .duplicateMetadataKey(let key):
            "metadata key \(quoted(key)) is given twice"
        case .tensorDataSizeMismatch(let tensor, let expected, let actual):
            "tensor \(quoted(tensor)): shape × dtype is \(expected) bytes but \(actual) were given"
        case .cannotOpen(let path, let code):
            "\(path): cannot open: \(message(code))"
        case .notRegularFile(let path):
            "\(path): not a regular file"
        case .readFailed(let path, let code):
            "\(path): read failed: \(message(code))"
        case .mapFailed(let path, let code):
            "\(path): mmap failed: \(message(code))"
        case .writeFailed(let path, let code):
            "\(path): write failed: \(message(code))"
        case .shardIndexNotJSON(let offset, let reason):
            "shard index is not JSON: \(reason) at byte \(offset)"
        case .shardIndexNotAnObject:
            "shard index is JSON but not an object"
        case .shardIndexUnexpectedKey(let key):
            "shard index has unexpected key \(quoted(key)) (allowed: metadata, weight_map)"
        case .shardIndexMissingWeightMap:
            "shard index has no weight_map"
        case .shardIndexWeightMapNotAnObject:
            "shard index weight_map is not an object"
        case .shardIndexMetadataNotAnObject:
            "shard index metadata is not an object"
        case .shardIndexInvalidTotalSize(let value):
            "shard index metadata.total_size \(clipped(value)) is not a non-negative integer"
        case .shardIndexEntryNotString(let tensor):
            "shard index maps tensor \(quoted(tensor)) to something other than a file name"
        case .shardIndexDuplicateTensor(let tensor):
            "shard index lists \(quoted(tensor)) twice"
        case .invalidShardFileName(let tensor, let file):
            "shard index maps tensor \(quoted(tensor)) to \(quoted(file)), which is not a plain file name"
        case .shardFileMissing(let file):
            "shard \(quoted(file)) named by the index does not exist"
        case .tensorNotInIndex(let tensor, let shard):
            "tensor \(quoted(tensor)) in shard \(quoted(shard)) is missing from the index"
        case .tensorInWrongShard(let tensor, let indexed, let actual):
            "index puts tensor \(quoted(tensor)) in \(quoted(indexed)) but shard \(quoted(actual)) holds it"
        case .tensorMissingFromShard(let tensor, let shard):
            "index puts tensor \(quoted(tensor)) in \(quoted(shard)), which does not hold it"
        case .tensorInSeveralShards(let tensor, let shards):
            "tensor \(quoted(tensor)) is in several shards: " + shards.map(quoted).joined(separator: ", ")
        }
    }
}

/// Longest name or JSON text quoted in a message; a hostile header can hold megabyte-long names.
private let maxQuoted = 200

private func clipped(_ text: String) -> String {
    guard text.utf8.count > maxQuoted else { return text }
    return String(text.prefix(maxQuoted)) + "…"
}

/// The name as a JSON string literal, clipped: one line whatever it contains.
private func quoted(_ name: String) -> String {
    guard name.utf8.count > maxQuoted else { return JSONWriter.canonical.string(.string(name)) }
    return JSONWriter.canonical.string(.string(String(name.prefix(maxQuoted)))) + "…"
}

private func list(_ shape: [Int]) -> String {
    "[" + shape.map(String.init).joined(separator: ", ") + "]"
}

private func hex(_ byte: UInt8) -> String {
    let digits = String(byte, radix: 16)
    return "0x" + (digits.count == 1 ? "0" : "") + digits
}

private func message(_ code: Int32) -> String {
    guard let text = strerror(code) else { return "errno \(code)" }
    return String(cString: text) + " (errno \(code))"
}
