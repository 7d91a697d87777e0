import CMergeKernels

// Matrices here are row-major and contiguous: `rows = matrix.count / columns`.
extension Kernels {
    /// The Euclidean norm of each row (DoRA on `nn.Linear` and convolutions), accumulated in float64.
    ///
    /// Each row is summed in float64 in 16 interleaved partial sums (`j mod 16`) combined pairwise, a
    /// fixed order, so the result is the same on every CPU.
    ///
    /// - Precondition: `columns > 0` and `matrix.count` is a multiple of `columns`.
    package static func rowNorms(_ matrix: UnsafeBufferPointer<Double>, columns: Int) -> [Double] {
        let rows = rowCount(matrix.count, columns: columns)
        guard rows > 0, let base = matrix.baseAddress else { return [] }
        return [Double](unsafeUninitializedCapacity: rows) { out, count in
            loom_row_sumsq(base, columns, rows, columns, out.baseAddress!)
            for i in 0..<rows { out[i] = out[i].squareRoot() }
            count = rows
        }
    }

    /// Adds the squares of each column of a row block to `sums` in float64, rows in order: calling it
    /// on consecutive row blocks of a matrix (with `sums` zero at first) gives the column sums of squares
    /// of the whole matrix, whatever the blocking; take square roots for the column norms (DoRA on
    /// `Conv1D` and `nn.Embedding`).
    ///
    /// - Precondition: `sums.count == columns`, `columns > 0`, `block.count` a multiple of `columns`.
    package static func accumulateColumnSumsOfSquares(
        _ block: UnsafeBufferPointer<Double>, columns: Int, into sums: UnsafeMutableBufferPointer<Double>
    ) {
        let rows = rowCount(block.count, columns: columns)
        precondition(sums.count == columns, "\(sums.count) sums for \(columns) columns")
        guard rows > 0, let base = block.baseAddress else { return }
        loom_col_sumsq_accumulate(base, columns, rows, columns, sums.baseAddress!)
    }

    /// The Euclidean norm of each column of a whole matrix (see
    /// ``accumulateColumnSumsOfSquares(_:columns:into:)`` to stream it in row blocks; same bits).
    /// - Precondition: `columns > 0` and `matrix.count` is a multiple of `columns`.
    package static func columnNorms(_ matrix: UnsafeBufferPointer<Double>, columns: Int) -> [Double] {
        var sums = [Double](repeating: 0, count: columns)
        sums.withUnsafeMutableBufferPointer { accumulateColumnSumsOfSquares(matrix, columns: columns, into: $0) }
        return sums.map { $0.squareRoot() }
    }

    /// `M[i, j] = M[i, j] · factors[i]` in float64 (DoRA's m/‖W‖, IA3 on output rows).
    /// - Precondition: `factors.count` equals the number of rows.
    package static func scaleRows(
        _ matrix: UnsafeMutableBufferPointer<Double>, columns: Int, by factors: UnsafeBufferPointer<Double>
    ) {
        let rows = rowCount(matrix.count, columns: columns)
        precondition(factors.count == rows, "\(factors.count) factors for \(rows) rows")
        guard rows > 0, let base = matrix.baseAddress else { return }
        loom_scale_rows(base, columns, rows, columns, factors.baseAddress!)
    }

    /// `M[i, j] = M[i, j] · factors[j]` in float64 (DoRA on columns, IA3 on input columns).
    /// - Precondition: `factors.count == columns`.
    package static func scaleColumns(
        _ matrix: UnsafeMutableBufferPointer<Double>, columns: Int, by factors: UnsafeBufferPointer<Double>
    ) {
        let rows = rowCount(matrix.count, columns: columns)
        precondition(factors.count == columns, "\(factors.count) factors for \(columns) columns")
        guard rows > 0, let base = matrix.baseAddress else { return }
        loom_scale_cols(base, columns, rows, columns, factors.baseAddress!)
    }

    private static func rowCount(_ count: Int, columns: Int) -> Int {
        precondition(columns > 0 && count % columns == 0, "\(count) elements do not make rows of \(columns)")
        return count / columns
    }
}
