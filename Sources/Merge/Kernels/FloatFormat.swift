/// The floating-point storage formats the kernels read and write (named apart from the Safetensors
/// module's `DType`, which covers every dtype of the file format).
package enum FloatFormat: Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// IEEE binary32.
    case f32
    /// IEEE binary16 (PyTorch `float16`).
    case f16
    /// bfloat16: the top 16 bits of a binary32.
    case bf16
    /// IEEE binary64.
    case f64

    /// Bytes per element.
    package var byteWidth: Int {
        switch self {
        case .f16, .bf16: 2
        case .f32: 4
        case .f64: 8
        }
    }

    package var description: String {
        switch self {
        case .f32: "f32"
        case .f16: "f16"
        case .bf16: "bf16"
        case .f64: "f64"
        }
    }
}

extension FloatFormat {
    /// The format of a safetensors dtype name (`F32`, `F16`, `BF16`, `F64`), or nil for other dtypes.
    package init?(safetensorsName name: String) {
        switch name {
        case "F32": self = .f32
        case "F16": self = .f16
        case "BF16": self = .bf16
        case "F64": self = .f64
        default: return nil
        }
    }
}
