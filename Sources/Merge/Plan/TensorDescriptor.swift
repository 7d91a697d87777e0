/// A tensor's name, dtype and shape: what planning needs, without the data.
public struct TensorDescriptor: Sendable, Equatable, Hashable {
    public var name: String
    /// The safetensors dtype name (`BF16`, `F32`, …).
    public var dtype: String
    public var shape: [Int]

    public init(name: String, dtype: String, shape: [Int]) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
    }

    /// Product of the dimensions (1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Whether loom can read this dtype as floating-point values (and so merge into or convert it).
    public var isFloat: Bool { ["F32", "F16", "BF16", "F64"].contains(dtype) }
}
