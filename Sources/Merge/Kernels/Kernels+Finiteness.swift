import CMergeKernels

extension Kernels {
    /// The index of the first NaN or ±Inf among the elements of `values` stored as `format` (any
    /// alignment), or `nil` if all are finite.
    ///
    /// It tests the stored bits (exponent all ones), so after ``round(_:to:into:)`` it finds values that
    /// overflowed to Inf in the narrower format.
    ///
    /// - Precondition: `values.count` is a multiple of `format.byteWidth`.
    package static func firstNonFinite(in values: UnsafeRawBufferPointer, format: FloatFormat) -> Int? {
        precondition(values.count % format.byteWidth == 0, "\(values.count) bytes are not whole \(format) values")
        guard let base = values.baseAddress else { return nil }
        let n = values.count / format.byteWidth
        let index: Int
        switch format {
        case .f32: index = loom_first_nonfinite_f32(base, n)
        case .f16: index = loom_first_nonfinite_f16(base, n)
        case .bf16: index = loom_first_nonfinite_bf16(base, n)
        case .f64: index = loom_first_nonfinite_f64(base, n)
        }
        return index < 0 ? nil : index
    }

    /// The index of the first NaN or ±Inf in `values`, or `nil` if all are finite.
    package static func firstNonFinite(in values: UnsafeBufferPointer<Float>) -> Int? {
        firstNonFinite(in: UnsafeRawBufferPointer(values), format: .f32)
    }

    /// The index of the first NaN or ±Inf in `values`, or `nil` if all are finite.
    package static func firstNonFinite(in values: UnsafeBufferPointer<Double>) -> Int? {
        firstNonFinite(in: UnsafeRawBufferPointer(values), format: .f64)
    }
}
