/// Why a safetensors file, header, layout or shard index was refused.
///
/// A closed enum: the format is fixed, so every failure has its own case carrying the culprit (the
/// tensor's name, the sizes involved). ``description`` is one line naming it, for example
/// `tensor "x.weight": shape [4, 8] × F32 is 128 bytes but data_offsets span 64`. Tensor names and
/// byte offsets inside the header are reported as found; offsets in the data section are relative
/// to its start, as in the header.
///
/// ## Topics
/// - Framing: ``fileTooShort(fileSize:)`` … ``prefixTooShort(needed:available:)``
/// - Header text: ``headerNotUTF8(offset:)`` … ``metadataValueNotString(key:)``
/// - Tensor entries: ``tensorEntryNotAnObject(tensor:)`` … ``duplicateKey(_:)``
/// - Data layout: ``hole(after:before:gap:)`` … ``truncated(tensor:end:dataSize:)``
/// - Writing: ``reservedTensorName(_:)`` … ``tensorDataSizeMismatch(tensor:expected:actual:)``
/// - Files: ``cannotOpen(path:errno:)`` … ``writeFailed(path:errno:)``
/// - Shard index: ``shardIndexNotJSON(offset:reason:)`` … ``tensorInSeveralShards(tensor:shards:)``
public enum SafetensorsError: Error, Equatable, Sendable {
    // MARK: Framing

    /// The file has fewer than 8 bytes, so not even the header length (zero-length files included).
    case fileTooShort(fileSize: Int)
    /// The header length field exceeds ``SafetensorsHeader/maxHeaderLength``.
    case headerTooLarge(headerLength: UInt64)
    /// The header length field points past the end of the file.
    case headerPastEndOfFile(headerLength: UInt64, fileSize: Int)
    /// The header length field is below 2, too small for `{}`.
    case headerTooSmall(headerLength: UInt64)
    /// The caller passed fewer bytes than the header needs (a misuse of ``SafetensorsHeader/parse(_:fileSize:)``).
    case prefixTooShort(needed: Int, available: Int)

    // MARK: Header text

    /// The header is not valid UTF-8; `offset` is the first bad byte, counted from the header's start.
    case headerNotUTF8(offset: Int)
    /// The header is not JSON; `offset` is counted from the header's start.
    case headerNotJSON(offset: Int, reason: String)
    /// The header nests arrays or objects deeper than a header ever needs.
    case headerTooDeep(offset: Int, maxDepth: Int)
    /// The header has more than ``SafetensorsHeader/maxTensors`` tensors (or an object with more members).
    case tooManyTensors(limit: Int)
    /// The header is JSON but not an object.
    case headerNotAnObject
    /// A byte other than a trailing space surrounds the JSON object (`offset` from the header's start).
    case invalidHeaderPadding(offset: Int, byte: UInt8)
    /// `__metadata__` is not an object.
    case metadataNotAnObject
    /// A `__metadata__` value is not a string.
    case metadataValueNotString(key: String)

    // MARK: Tensor entries

    /// A tensor's entry is not an object.
    case tensorEntryNotAnObject(tensor: String)
    /// A tensor's entry lacks `dtype`, `shape` or `data_offsets`.
    case missingKey(tensor: String, key: String)
    /// A tensor's entry has a key other than `dtype`, `shape` and `data_offsets`.
    case unexpectedKey(tensor: String, key: String)
    /// A tensor's `dtype` is not one of ``DType``'s spellings (`dtype` is the JSON text found).
    case unknownDType(tensor: String, dtype: String)
    /// A tensor's `shape` is not an array of non-negative integers (`shape` is the JSON text found).
    case invalidShape(tensor: String, shape: String)
    /// A tensor's `data_offsets` is not two non-negative integers (`offsets` is the JSON text found).
    case invalidDataOffsets(tensor: String, offsets: String)
    /// A tensor's `data_offsets` begin after they end.
    case dataOffsetsReversed(tensor: String, begin: Int, end: Int)
    /// A tensor's element count or byte count does not fit in `Int`.
    case elementCountOverflow(tensor: String, shape: [Int], dtype: DType)
    /// A tensor's shape × dtype size differs from the span of its `data_offsets`.
    case sizeMismatch(tensor: String, shape: [Int], dtype: DType, expectedBytes: Int, spannedBytes: Int)
    /// Two tensors have the same name.
    case duplicateTensorName(String)
    /// A tensor's name contains NUL (U+0000): C strings, SQLite text and file systems would cut it short.
    case nulInTensorName(String)
    /// A key appears twice inside `__metadata__` or inside one tensor's entry.
    case duplicateKey(String)

    // MARK: Data layout

    /// Bytes no tensor covers: before the first tensor (`after` nil) or between two tensors.
    case hole(after: String?, before: String, gap: Range<Int>)
    /// Two tensors' byte ranges overlap.
    case overlap(tensor: String, other: String)
    /// The data section has bytes after the last tensor (`after` nil when there are no tensors).
    case trailingBytes(count: Int, after: String?)
    /// The last tensor ends past the end of the file: the file was cut short.
    case truncated(tensor: String, end: Int, dataSize: Int)

    // MARK: Writing

    /// `__metadata__` cannot name a tensor.
    case reservedTensorName(String)
    /// A metadata key was given twice.
    case duplicateMetadataKey(String)
    /// The bytes given for a tensor are not shape × dtype size.
    case tensorDataSizeMismatch(tensor: String, expected: Int, actual: Int)

    // MARK: Files

    /// `open` or `stat` failed.
    case cannotOpen(path: String, errno: Int32)
    /// The path is a directory, FIFO, socket or device: only regular files are read.
    case notRegularFile(path: String)
    /// `pread` failed or the file shrank while being read.
    case readFailed(path: String, errno: Int32)
    /// `mmap` failed.
    case mapFailed(path: String, errno: Int32)
    /// Creating or writing a file failed.
    case writeFailed(path: String, errno: Int32)

    // MARK: Shard index

    /// `model.safetensors.index.json` is not JSON.
    case shardIndexNotJSON(offset: Int, reason: String)
    /// The index is JSON but not an object.
    case shardIndexNotAnObject
    /// The index has a top-level key other than `metadata` and `weight_map`.
    case shardIndexUnexpectedKey(String)
    /// The index has no `weight_map`.
    case shardIndexMissingWeightMap
    /// The index's `weight_map` is not an object.
    case shardIndexWeightMapNotAnObject
    /// The index's `metadata` is not an object.
    case shardIndexMetadataNotAnObject
    /// The index's `metadata.total_size` is not a non-negative integer (`value` is the JSON text found).
    case shardIndexInvalidTotalSize(String)
    /// A `weight_map` value is not a string.
    case shardIndexEntryNotString(tensor: String)
    /// A tensor appears twice in `weight_map` (or a key twice in `metadata`).
    case shardIndexDuplicateTensor(String)
    /// A `weight_map` file name is not a plain file name in the index's directory.
    case invalidShardFileName(tensor: String, file: String)
    /// A shard named by the index does not exist.
    case shardFileMissing(file: String)
    /// A shard holds a tensor the index does not list.
    case tensorNotInIndex(tensor: String, shard: String)
    /// The index maps a tensor to one shard, but another shard holds it.
    case tensorInWrongShard(tensor: String, indexed: String, actual: String)
    /// The index maps a tensor to a shard that does not hold it.
    case tensorMissingFromShard(tensor: String, shard: String)
    /// Several shards hold a tensor of the same name.
    case tensorInSeveralShards(tensor: String, shards: [String])
}
