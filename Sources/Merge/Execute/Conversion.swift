/// Stored tensor bytes to and from float32 (dtype conversions of unchanged tensors) and float64 (merge
/// arithmetic), by safetensors dtype name, on top of ``Kernels``: widening is exact, narrowing rounds to
/// nearest (ties to even) once. Pure; safe from any thread.
public enum Conversion {
    /// Bytes per element of a floating safetensors dtype, or nil for other dtypes.
    public static func byteSize(_ dtype: String) -> Int? {
        FloatFormat(safetensorsName: dtype)?.byteWidth
    }

    /// Converts elements `elements` of `source` (stored as `dtype`) into the first `elements.count` floats of `out`.
    ///
    /// - Throws: ``MergeError`` for a non-floating dtype or a range past the end of `source`.
    public static func convert(
        _ source: UnsafeRawBufferPointer, dtype: String, elements: Range<Int>, into out: UnsafeMutableBufferPointer<Float>
    ) throws(MergeError) {
        guard let (format, bytes) = try slice(source, dtype: dtype, elements: elements, capacity: out.count) else { return }
        Kernels.convert(bytes, from: format, into: UnsafeMutableBufferPointer(rebasing: out[0..<elements.count]))
    }

    /// Converts elements `elements` of `source` (stored as `dtype`) into the first `elements.count` doubles
    /// of `out`, exactly.
    ///
    /// - Throws: ``MergeError`` for a non-floating dtype or a range past the end of `source`.
    public static func convert(
        _ source: UnsafeRawBufferPointer, dtype: String, elements: Range<Int>, into out: UnsafeMutableBufferPointer<Double>
    ) throws(MergeError) {
        guard let (format, bytes) = try slice(source, dtype: dtype, elements: elements, capacity: out.count) else { return }
        Kernels.convert(bytes, from: format, into: UnsafeMutableBufferPointer(rebasing: out[0..<elements.count]))
    }

    /// The bytes of `elements` in `source` and their format, or nil for an empty range.
    ///
    /// - Throws: ``MergeError`` for a non-floating dtype, a range past the end of `source`, or more
    ///   elements than `capacity`.
    private static func slice(
        _ source: UnsafeRawBufferPointer, dtype: String, elements: Range<Int>, capacity: Int
    ) throws(MergeError) -> (FloatFormat, UnsafeRawBufferPointer)? {
        guard let format = FloatFormat(safetensorsName: dtype) else {
            throw .unsupported("cannot read dtype \(dtype) as floating-point values")
        }
        let size = format.byteWidth
        guard elements.upperBound * size <= source.count, capacity >= elements.count else {
            throw .invalid("tensor data is shorter than its shape says")
        }
        guard !elements.isEmpty else { return nil }
        return (format, UnsafeRawBufferPointer(rebasing: source[(elements.lowerBound * size)..<(elements.upperBound * size)]))
    }

    /// A whole stored tensor as doubles (exact).
    public static func toDouble(_ source: UnsafeRawBufferPointer, dtype: String) throws(MergeError) -> [Double] {
        try whole(source, dtype: dtype) { (buffer: UnsafeMutableBufferPointer<Double>, n) throws(MergeError) in
            try convert(source, dtype: dtype, elements: 0..<n, into: buffer)
        }
    }

    /// A whole stored tensor as floats.
    public static func toFloat(_ source: UnsafeRawBufferPointer, dtype: String) throws(MergeError) -> [Float] {
        try whole(source, dtype: dtype) { (buffer: UnsafeMutableBufferPointer<Float>, n) throws(MergeError) in
            try convert(source, dtype: dtype, elements: 0..<n, into: buffer)
        }
    }

    /// An array of every element of `source`, filled by `fill(buffer, count)`.
    private static func whole<T: BinaryFloatingPoint>(
        _ source: UnsafeRawBufferPointer, dtype: String,
        fill: (UnsafeMutableBufferPointer<T>, Int) throws(MergeError) -> Void
    ) throws(MergeError) -> [T] {
        guard let size = byteSize(dtype) else { throw .unsupported("cannot read dtype \(dtype) as floating-point values") }
        let n = source.count / size
        var out = [T](repeating: 0, count: n)
        var failure: MergeError?
        out.withUnsafeMutableBufferPointer { buffer in
            do throws(MergeError) {
                try fill(buffer, n)
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return out
    }

    /// Rounds `values` once into the first bytes of `out` as `dtype` (`F32`, `F16`, `BF16`), and returns
    /// the index of the first element that is not finite after rounding (f16 overflow included), or nil.
    ///
    /// - Precondition: `out.count >= values.count × size of dtype`.
    public static func round(
        _ values: UnsafeBufferPointer<Float>, to dtype: String, into out: UnsafeMutableRawBufferPointer
    ) throws(MergeError) -> Int? {
        guard let format = FloatFormat(safetensorsName: dtype), format != .f64 else { throw .unsupported("cannot write dtype \(dtype)") }
        let bytes = UnsafeMutableRawBufferPointer(rebasing: out[0..<(values.count * format.byteWidth)])
        Kernels.round(values, to: format, into: bytes)
        return Kernels.firstNonFinite(in: UnsafeRawBufferPointer(bytes), format: format)
    }

    /// Rounds float64 `values` once into the first bytes of `out` as `dtype` (`F32`, `F16`, `BF16`), and
    /// returns the index of the first element that is not finite after rounding (overflow included), or nil.
    ///
    /// - Precondition: `out.count >= values.count × size of dtype`.
    public static func round(
        _ values: UnsafeBufferPointer<Double>, to dtype: String, into out: UnsafeMutableRawBufferPointer
    ) throws(MergeError) -> Int? {
        guard let format = FloatFormat(safetensorsName: dtype), format != .f64 else { throw .unsupported("cannot write dtype \(dtype)") }
        let bytes = UnsafeMutableRawBufferPointer(rebasing: out[0..<(values.count * format.byteWidth)])
        Kernels.round(values, to: format, into: bytes)
        return Kernels.firstNonFinite(in: UnsafeRawBufferPointer(bytes), format: format)
    }

    /// Index of the first non-finite double, or nil.
    public static func firstNonFinite(_ values: UnsafeBufferPointer<Double>) -> Int? {
        Kernels.firstNonFinite(in: values)
    }

    /// Index of the first non-finite float, or nil.
    public static func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
        Kernels.firstNonFinite(in: values)
    }

    /// Index of the first NaN or ±Inf among stored values of a floating dtype, or nil (also for
    /// non-floating dtypes).
    public static func firstNonFinite(_ bytes: UnsafeRawBufferPointer, dtype: String) -> Int? {
        guard let format = FloatFormat(safetensorsName: dtype) else { return nil }
        let whole = bytes.count - bytes.count % format.byteWidth
        return Kernels.firstNonFinite(in: UnsafeRawBufferPointer(rebasing: bytes[0..<whole]), format: format)
    }
}
