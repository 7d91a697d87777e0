/// One tensor entry of a validated safetensors header.
///
/// Only ``SafetensorsHeader`` creates these, after checking that `shape` × `dtype` fills
/// `dataOffsets` exactly, so `elementCount * dtype.byteSize == byteCount` always holds and never
/// overflows. A value type, `Sendable`.
public struct TensorInfo: Hashable, Sendable {
    /// The tensor's name, the header key (`"model.layers.0.self_attn.q_proj.weight"`).
    public let name: String
    /// The element type.
    public let dtype: DType
    /// The dimensions, outermost first; `[]` is a scalar (one element).
    public let shape: [Int]
    /// The byte range in the data section, as written in the header (relative to the data section's
    /// start, not to the file's). See ``SafetensorsHeader/fileRange(of:)`` for absolute offsets.
    public let dataOffsets: Range<Int>
    /// The number of elements: the product of ``shape`` (1 for a scalar).
    public let elementCount: Int

    /// The number of bytes of data: `dataOffsets.count`.
    public var byteCount: Int { dataOffsets.count }

    init(name: String, dtype: DType, shape: [Int], dataOffsets: Range<Int>, elementCount: Int) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.dataOffsets = dataOffsets
        self.elementCount = elementCount
    }

    /// The product of `shape`, or nil when a dimension is negative or the product overflows `Int`.
    static func elementCount(of shape: [Int]) -> Int? {
        var product = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            product = next
        }
        return product
    }

    /// The byte count of `shape` × `dtype`, or nil when a dimension is negative or it overflows `Int`.
    static func byteCount(of shape: [Int], dtype: DType) -> Int? {
        guard let elements = elementCount(of: shape) else { return nil }
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: dtype.byteSize)
        return overflow ? nil : bytes
    }
}
