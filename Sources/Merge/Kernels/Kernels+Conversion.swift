import CMergeKernels

extension Kernels {
    /// Converts `source`, elements stored as `format` (little-endian, any alignment), to float32.
    ///
    /// Widening from f16 and bf16 is exact; from f64 it rounds to nearest, ties to even, overflowing to
    /// ±Inf; f32 is copied bit for bit. A NaN stays a NaN of the same sign with the quiet bit set and
    /// the top of its payload kept (what x86 conversion instructions do); everything else, including -0,
    /// ±Inf and subnormals, converts exactly as IEEE 754 says.
    ///
    /// - Precondition: `source.count == destination.count * format.byteWidth`; the buffers do not overlap.
    package static func convert(
        _ source: UnsafeRawBufferPointer, from format: FloatFormat, into destination: UnsafeMutableBufferPointer<Float>
    ) {
        precondition(source.count == destination.count * format.byteWidth,
                     "\(source.count) bytes of \(format) do not make \(destination.count) floats")
        guard let src = source.baseAddress, let dst = destination.baseAddress else { return }
        let n = destination.count
        switch format {
        case .f32: loom_copy_f32(src, dst, n)
        case .f16: loom_convert_f16_to_f32(src, dst, n)
        case .bf16: loom_convert_bf16_to_f32(src, dst, n)
        case .f64: loom_convert_f64_to_f32(src, dst, n)
        }
    }

    /// Rounds float32 values to `format` (round to nearest, ties to even), writing little-endian
    /// elements of `format.byteWidth` bytes at any alignment.
    ///
    /// Overflow gives ±Inf (f16: |x| ≥ 65520; bf16: |x| ≥ 0x1.FFp127 rounded up); subnormal results are
    /// rounded exactly; -0 and ±Inf are kept; NaNs as in ``convert(_:from:into:)``. `.f32` copies bits
    /// and `.f64` widens exactly. Check the output with ``firstNonFinite(in:format:)`` to catch overflow.
    ///
    /// - Precondition: `destination.count == source.count * format.byteWidth`; the buffers do not overlap.
    package static func round(
        _ source: UnsafeBufferPointer<Float>, to format: FloatFormat, into destination: UnsafeMutableRawBufferPointer
    ) {
        precondition(destination.count == source.count * format.byteWidth,
                     "\(destination.count) bytes cannot hold \(source.count) values of \(format)")
        guard let src = source.baseAddress, let dst = destination.baseAddress else { return }
        let n = source.count
        switch format {
        case .f32: loom_copy_f32(src, dst, n)
        case .f16: loom_convert_f32_to_f16(src, dst, n)
        case .bf16: loom_convert_f32_to_bf16(src, dst, n)
        case .f64: loom_convert_f32_to_f64(src, dst, n)
        }
    }

    /// Converts `source`, elements stored as `format` (little-endian, any alignment), to float64: exact for
    /// every format (f64 is copied bit for bit; NaNs from f16 and bf16 are quieted as by
    /// ``convert(_:from:into:)``).
    ///
    /// - Precondition: `source.count == destination.count * format.byteWidth`; the buffers do not overlap.
    package static func convert(
        _ source: UnsafeRawBufferPointer, from format: FloatFormat, into destination: UnsafeMutableBufferPointer<Double>
    ) {
        precondition(source.count == destination.count * format.byteWidth,
                     "\(source.count) bytes of \(format) do not make \(destination.count) doubles")
        guard let src = source.baseAddress, let dst = destination.baseAddress else { return }
        let n = destination.count
        switch format {
        case .f64: UnsafeMutableRawPointer(dst).copyMemory(from: src, byteCount: n * 8)
        case .f32: loom_convert_f32_to_f64(src, dst, n)
        case .f16: loom_convert_f16_to_f64(src, dst, n)
        case .bf16: loom_convert_bf16_to_f64(src, dst, n)
        }
    }

    /// Rounds float64 values **once** to `format` (round to nearest, ties to even), writing little-endian
    /// elements at any alignment: f16 and bf16 are not reached through a rounded float32 (which would round
    /// twice), but through float32 rounded to odd, which gives the same result as one direct rounding.
    ///
    /// Overflow gives ±Inf; subnormal results are rounded exactly; -0 and ±Inf are kept; a NaN becomes
    /// the NaN `Float(x)` converted as ``round(_:to:into:)`` does. `.f64` copies bits.
    ///
    /// - Precondition: `destination.count == source.count * format.byteWidth`; the buffers do not overlap.
    package static func round(
        _ source: UnsafeBufferPointer<Double>, to format: FloatFormat, into destination: UnsafeMutableRawBufferPointer
    ) {
        precondition(destination.count == source.count * format.byteWidth,
                     "\(destination.count) bytes cannot hold \(source.count) values of \(format)")
        guard let src = source.baseAddress, let dst = destination.baseAddress else { return }
        let n = source.count
        switch format {
        case .f64: dst.copyMemory(from: src, byteCount: n * 8)
        case .f32: loom_convert_f64_to_f32(src, dst, n)
        case .f16: loom_convert_f64_to_f16(src, dst, n)
        case .bf16: loom_convert_f64_to_bf16(src, dst, n)
        }
    }

    /// The f16 bit pattern nearest to `value` (same rules as ``round(_:to:into:)``), without libcalls.
    package static func f16Bits(_ value: Float) -> UInt16 { loom_f32_to_f16_bits(value) }

    /// The bf16 bit pattern nearest to `value` (same rules as ``round(_:to:into:)``).
    package static func bf16Bits(_ value: Float) -> UInt16 { loom_f32_to_bf16_bits(value) }

    /// The float32 value of an f16 bit pattern (exact; NaNs quieted).
    package static func float(f16Bits bits: UInt16) -> Float { loom_f16_bits_to_f32(bits) }

    /// The float32 value of a bf16 bit pattern (exact; NaNs quieted).
    package static func float(bf16Bits bits: UInt16) -> Float { loom_bf16_bits_to_f32(bits) }
}
