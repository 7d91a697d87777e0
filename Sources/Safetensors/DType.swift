/// A tensor element type, spelled exactly as safetensors headers spell it (`"F32"`, `"BF16"`, …).
///
/// `init(rawValue:)` returns nil for any other spelling: unknown dtypes are refused, never guessed.
/// A value type, `Sendable`.
public enum DType: String, CaseIterable, Hashable, Sendable {
    case f64 = "F64"
    case f32 = "F32"
    case f16 = "F16"
    case bf16 = "BF16"
    case i64 = "I64"
    case i32 = "I32"
    case i16 = "I16"
    case i8 = "I8"
    case u64 = "U64"
    case u32 = "U32"
    case u16 = "U16"
    case u8 = "U8"
    case bool = "BOOL"
    case f8E4M3 = "F8_E4M3"
    case f8E5M2 = "F8_E5M2"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .f64, .i64, .u64: 8
        case .f32, .i32, .u32: 4
        case .f16, .bf16, .i16, .u16: 2
        case .i8, .u8, .bool, .f8E4M3, .f8E5M2: 1
        }
    }

    /// True for the floating-point types loom can merge and convert: F64, F32, F16 and BF16.
    ///
    /// The 8-bit float formats are false: they are stored and copied, never computed on.
    public var isFloatingPoint: Bool {
        switch self {
        case .f64, .f32, .f16, .bf16: true
        default: false
        }
    }
}

extension DType: CustomStringConvertible {
    /// The safetensors spelling (`"BF16"`).
    public var description: String { rawValue }
}
