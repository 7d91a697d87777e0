import Foundation
public import Safetensors

/// A safetensors file read whole into doubles, for comparing merge results in tests.
///
/// Reads F64, F32, F16 and BF16 exactly (every one widens exactly to Double). Not for large files.
public struct TensorFile {
    public struct Tensor {
        public var dtype: DType
        public var shape: [Int]
        public var values: [Double]
        /// The stored bytes, for bit-for-bit comparisons.
        public var bytes: [UInt8]
    }

    public let tensors: [String: Tensor]
    public let metadata: [String: String]

    /// Reads the file at `path`.
    public init(_ path: String) throws {
        let file = try SafetensorsFile(path: path)
        defer { file.close() }
        var out: [String: Tensor] = [:]
        for info in file.header.tensors {
            let raw = file.bytes(of: info)
            out[info.name] = Tensor(dtype: info.dtype, shape: info.shape, values: Self.decode(raw, info.dtype), bytes: Array(raw))
        }
        tensors = out
        metadata = Dictionary((file.header.metadata ?? []).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    static func decode(_ raw: UnsafeRawBufferPointer, _ dtype: DType) -> [Double] {
        switch dtype {
        case .f64: return (0..<raw.count / 8).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
        case .f32: return (0..<raw.count / 4).map { Double(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self)) }
        case .bf16:
            return (0..<raw.count / 2).map {
                Double(Float(bitPattern: UInt32(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) << 16))
            }
        case .f16:
            return (0..<raw.count / 2).map { Double(Self.halfToFloat(raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) }
        default: return []
        }
    }

    /// IEEE half to float, done by hand so that it is exact on every platform.
    static func halfToFloat(_ h: UInt16) -> Float {
        let sign: Float = (h & 0x8000) != 0 ? -1 : 1
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = Float(h & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * Float(sign: .plus, exponent: -24, significand: 1)
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Float(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}

/// The fixtures README's bar for a merged tensor.
public enum MergeBar {
    /// One unit in the last place of `value` in `dtype` (F32, F16, BF16).
    public static func ulp(_ value: Double, _ dtype: DType) -> Double {
        let (mantissaBits, minExponent): (Int, Int)
        switch dtype {
        case .bf16: (mantissaBits, minExponent) = (7, -126)
        case .f16: (mantissaBits, minExponent) = (10, -14)
        default: (mantissaBits, minExponent) = (23, -126)
        }
        let e = value == 0 ? minExponent : max(Int(Foundation.floor(Foundation.log2(abs(value)))), minExponent)
        return Foundation.pow(2, Double(e - mantissaBits))
    }

    /// Largest |a − b|.
    public static func maxError(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// Whether `ours` is within one rounding of `exact`: for 16-bit dtypes, every element within one ulp
    /// of the exact value (a correctly rounded result is within half an ulp); for f32, within 4·2⁻²⁴ of the
    /// tensor's largest magnitude.
    public static func withinOneRounding(_ ours: [Double], exact: [Double], dtype: DType) -> Bool {
        if dtype == .f32 {
            let scale = exact.reduce(0) { max($0, abs($1)) }
            return maxError(ours, exact) <= 4 * Foundation.pow(2, -24) * scale
        }
        return maxUlps(ours, exact: exact, dtype: dtype) <= 1
    }

    /// Largest |ours − exact| in units of the last place of the exact value in `dtype` (for messages and
    /// the 16-bit bar).
    public static func maxUlps(_ ours: [Double], exact: [Double], dtype: DType) -> Double {
        zip(ours, exact).reduce(0) { max($0, abs($1.0 - $1.1) / ulp($1.1, dtype)) }
    }
}
