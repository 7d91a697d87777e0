import CMergeKernels

/// Converts stored tensor bytes to and from float32 with the fixed kernels: widening is exact,
/// narrowing rounds to nearest, ties to even, once. Pure; safe from any thread.
public enum Conversion {
    /// Bytes per element of a floating safetensors dtype, or nil for other dtypes.
    public static func byteSize(_ dtype: String) -> Int? {
        switch dtype {
        case "F32": return 4
        case "F16", "BF16": return 2
        case "F64": return 8
        default: return nil
        }
    }

    /// Converts elements `elements` of `source` (stored as `dtype`) into the first `elements.count` floats of `out`.
    ///
    /// - Throws: ``MergeError`` for a non-floating dtype or a range past the end of `source`.
    public static func convert(
        _ source: UnsafeRawBufferPointer, dtype: String, elements: Range<Int>, into out: UnsafeMutableBufferPointer<Float>
    ) throws(MergeError) {
        guard let size = byteSize(dtype) else { throw .unsupported("cannot read dtype \(dtype) as floating-point values") }
        guard elements.upperBound * size <= source.count, out.count >= elements.count else {
            throw .invalid("tensor data is shorter than its shape says")
        }
        guard elements.count > 0, let src = source.baseAddress, let dst = out.baseAddress else { return }
        let from = src + elements.lowerBound * size
        let n = elements.count
        switch dtype {
        case "F32": loom_copy_f32(from, dst, n)
        case "BF16": loom_convert_bf16_to_f32(from, dst, n)
        case "F16": loom_convert_f16_to_f32(from, dst, n)
        default: loom_convert_f64_to_f32(from, dst, n)
        }
    }

    /// A whole stored tensor as floats.
    public static func toFloat(_ source: UnsafeRawBufferPointer, dtype: String) throws(MergeError) -> [Float] {
        guard let size = byteSize(dtype) else { throw .unsupported("cannot read dtype \(dtype) as floating-point values") }
        let n = source.count / size
        var out = [Float](repeating: 0, count: n)
        var failure: MergeError?
        out.withUnsafeMutableBufferPointer { buffer in
            do throws(MergeError) {
                try convert(source, dtype: dtype, elements: 0..<n, into: buffer)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return out
    }

    /// Rounds `values` once into `out` as `dtype` (`F32`, `F16`, `BF16`), and returns the index of the
    /// first element that is not finite after rounding (f16 overflow included), or nil.
    ///
    /// - Precondition: `out.count >= values.count × size of dtype`.
    public static func round(
        _ values: UnsafeBufferPointer<Float>, to dtype: String, into out: UnsafeMutableRawBufferPointer
    ) throws(MergeError) -> Int? {
        guard let size = byteSize(dtype), dtype != "F64" else { throw .unsupported("cannot write dtype \(dtype)") }
        let n = values.count
        precondition(out.count >= n * size)
        guard n > 0, let src = values.baseAddress, let dst = out.baseAddress else { return nil }
        let bad: Int
        switch dtype {
        case "F32":
            loom_copy_f32(src, dst, n)
            bad = loom_first_nonfinite_f32(dst, n)
        case "BF16":
            loom_convert_f32_to_bf16(src, dst, n)
            bad = loom_first_nonfinite_bf16(dst, n)
        default:
            loom_convert_f32_to_f16(src, dst, n)
            bad = loom_first_nonfinite_f16(dst, n)
        }
        return bad < 0 ? nil : bad
    }

    /// Index of the first non-finite float, or nil.
    public static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        guard let p = values.baseAddress, values.count > 0 else { return nil }
        let i = loom_first_nonfinite_f32(p, values.count)
        return i < 0 ? nil : i
    }
}
