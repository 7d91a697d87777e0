/// The validated header of a safetensors file: its tensors, its metadata and where its data starts.
///
/// A file is `N` (u64, little-endian) + `N` bytes of JSON + a data section. ``parse(_:fileSize:)``
/// checks everything about the header *and* the data layout before anything is used: the length is
/// bounded and inside the file, the JSON is strict UTF-8, shallow, an object padded only with trailing
/// spaces; every entry has exactly `dtype`, `shape` and `data_offsets`; shape × dtype size is computed
/// with overflow checks and equals its byte span; the spans tile the data section from 0 to its end
/// with no hole, no overlap and nothing after the last tensor. Every failure is its own
/// ``SafetensorsError`` case, and no input makes parsing trap.
///
/// A value type, `Sendable`; it owns no file and no memory of the file.
///
/// ## Topics
/// - ``parse(_:fileSize:)``, ``headerByteCount(first8:fileSize:)``, ``headerLength(_:)``
/// - ``tensors``, ``tensor(named:)``, ``metadata``, ``metadataValue(forKey:)``
/// - ``headerByteCount``, ``dataStart``, ``dataSize``, ``fileSize``, ``fileRange(of:)``
public struct SafetensorsHeader: Sendable, Equatable {
    /// The largest accepted header length `N`, as in the reference implementation (100 MB).
    public static let maxHeaderLength: UInt64 = 100_000_000

    /// The most tensors a header (and a registered base, over all its shards) may have: 2^19. The
    /// largest public checkpoints have about 150,000; the bound keeps a hostile header's parse, its
    /// validation and its catalog rows to a few hundred MB and seconds, and refuses a header with
    /// more before its JSON is built.
    public static let maxTensors = 524_288

    /// Nesting allowed in the header JSON. A valid header nests object → object → array (3); one
    /// more level lets a nested `shape` be reported as an invalid shape rather than as too deep.
    static let maxDepth = 4

    /// The tensors, sorted by data offset (the order of their bytes in the file).
    public let tensors: [TensorInfo]
    /// `__metadata__` in file order, or nil when the header has none.
    public let metadata: [(key: String, value: String)]?
    /// Bytes before the data section: 8 + `N`.
    public let headerByteCount: Int
    /// The size of the whole file, as given to ``parse(_:fileSize:)``.
    public let fileSize: Int
    private let indexByName: [String: Int]

    /// The file offset where the data section starts (equal to ``headerByteCount``).
    public var dataStart: Int { headerByteCount }
    /// The size of the data section, which the tensors fill exactly.
    public var dataSize: Int { fileSize - headerByteCount }

    init(tensors: [TensorInfo], metadata: [(key: String, value: String)]?, headerByteCount: Int, fileSize: Int) {
        self.tensors = tensors
        self.metadata = metadata
        self.headerByteCount = headerByteCount
        self.fileSize = fileSize
        var index: [String: Int] = [:]
        index.reserveCapacity(tensors.count)
        for (i, tensor) in tensors.enumerated() { index[tensor.name] = i }
        self.indexByName = index
    }

    /// The tensor with this name, or nil; O(1).
    public func tensor(named name: String) -> TensorInfo? {
        indexByName[name].map { tensors[$0] }
    }

    /// The value of a `__metadata__` key, or nil when absent.
    public func metadataValue(forKey key: String) -> String? {
        metadata?.first { $0.key == key }?.value
    }

    /// The tensor's bytes as absolute file offsets: `dataStart` + its ``TensorInfo/dataOffsets``.
    ///
    /// Meaningful only for a tensor of this header; never overflows for those.
    public func fileRange(of tensor: TensorInfo) -> Range<Int> {
        (dataStart + tensor.dataOffsets.lowerBound)..<(dataStart + tensor.dataOffsets.upperBound)
    }

    /// Equal when tensors, metadata (in order) and sizes are equal.
    public static func == (lhs: SafetensorsHeader, rhs: SafetensorsHeader) -> Bool {
        lhs.tensors == rhs.tensors && lhs.headerByteCount == rhs.headerByteCount && lhs.fileSize == rhs.fileSize
            && lhs.metadata?.map(\.key) == rhs.metadata?.map(\.key)
            && lhs.metadata?.map(\.value) == rhs.metadata?.map(\.value)
    }

    // MARK: - Framing

    /// The raw header length field `N`: the first 8 bytes read as a little-endian u64, unvalidated.
    ///
    /// Returns nil when `first8` has fewer than 8 bytes; extra bytes are ignored.
    public static func headerLength(_ first8: UnsafeRawBufferPointer) -> UInt64? {
        guard first8.count >= 8 else { return nil }
        var n: UInt64 = 0
        for i in (0..<8).reversed() { n = n << 8 | UInt64(first8[i]) }
        return n
    }

    /// How many bytes from the start of the file ``parse(_:fileSize:)`` needs (8 + `N`), after checking
    /// `N` against the limit and the file size. Lets a reader fetch exactly the header and no more.
    ///
    /// - Parameters:
    ///   - first8: at least the first 8 bytes of the file (more are ignored).
    ///   - fileSize: the size of the whole file.
    /// - Throws: ``SafetensorsError/fileTooShort(fileSize:)``, ``SafetensorsError/headerTooLarge(headerLength:)``,
    ///   ``SafetensorsError/headerPastEndOfFile(headerLength:fileSize:)``, ``SafetensorsError/headerTooSmall(headerLength:)``,
    ///   or ``SafetensorsError/prefixTooShort(needed:available:)`` when `first8` is short but the file is not.
    public static func headerByteCount(first8: UnsafeRawBufferPointer, fileSize: Int) throws(SafetensorsError) -> Int {
        guard fileSize >= 8 else { throw .fileTooShort(fileSize: max(fileSize, 0)) }
        guard let n = headerLength(first8) else { throw .prefixTooShort(needed: 8, available: first8.count) }
        guard n <= maxHeaderLength else { throw .headerTooLarge(headerLength: n) }
        // n ≤ 100 MB here, so neither the conversion nor the sum can overflow.
        guard n <= UInt64(fileSize - 8) else { throw .headerPastEndOfFile(headerLength: n, fileSize: fileSize) }
        guard n >= 2 else { throw .headerTooSmall(headerLength: n) }
        return 8 + Int(n)
    }

    /// Parses and validates a header and the layout of the data section it describes.
    ///
    /// Reads only `prefix`; the data bytes themselves are not needed (their count is `fileSize` minus
    /// the header). Linear in the header size; allocates the parsed tensors only.
    ///
    /// - Parameters:
    ///   - prefix: the first bytes of the file, at least ``headerByteCount(first8:fileSize:)`` of them
    ///     (the whole file is fine). Read during the call only.
    ///   - fileSize: the size of the whole file in bytes.
    /// - Throws: the ``SafetensorsError`` case naming the first problem found; never traps.
    public static func parse(_ prefix: UnsafeRawBufferPointer, fileSize: Int) throws(SafetensorsError) -> SafetensorsHeader {
        let byteCount = try headerByteCount(first8: prefix, fileSize: fileSize)
        guard prefix.count >= byteCount else { throw .prefixTooShort(needed: byteCount, available: prefix.count) }
        let header = UnsafeRawBufferPointer(rebasing: prefix[8..<byteCount])
        let parsed = header.withMemoryRebound(to: UInt8.self) { text in
            Result { () throws(SafetensorsError) in try HeaderText.object(text) }
        }
        let object = try parsed.get()
        let (tensors, metadata) = try HeaderEntries.decode(object)
        guard tensors.count <= maxTensors else { throw .tooManyTensors(limit: maxTensors) }
        let ordered = try HeaderEntries.checkLayout(tensors, dataSize: fileSize - byteCount)
        return SafetensorsHeader(tensors: ordered, metadata: metadata, headerByteCount: byteCount, fileSize: fileSize)
    }
}
