import CMergeKernels

/// Computes one planned output tensor in float32, row block by row block.
///
/// Holds the plan's adapter factors converted to float32 (A, Bᵀ for transposed layouts, magnitudes,
/// IA3 vectors, bias deltas): O(rank × (rows + columns)), never the weight itself. The caller streams
/// the source tensor through ``computeRows(_:source:sourceDType:into:)`` and rounds each block to the
/// output dtype. Every operation is a fixed-order kernel, so results are bit-identical on every CPU.
///
/// Immutable after init; ``computeRows(_:source:sourceDType:into:)`` may be called concurrently for
/// disjoint row ranges.
public struct TensorComputation: @unchecked Sendable {
    // @unchecked: the factor arrays are never mutated after init.
    public let plan: TensorPlan
    let rows: Int
    let columns: Int
    private let lowRank: [(l: [Float], r: [Float], rank: Int, transposed: Bool, coefficient: Float)]
    private let magnitude: [Float]?
    private let scale: [Float]?
    private let biasAdds: [(values: [Float], coefficient: Float)]

    /// Loads the plan's factors through `factor`, which returns a stored adapter tensor's bytes and
    /// safetensors dtype name for (adapter index, key).
    ///
    /// - Throws: ``MergeError`` when a factor has an unexpected size, or whatever `factor` throws.
    public init(plan: TensorPlan, factor: (Int, String) throws -> (bytes: UnsafeRawBufferPointer, dtype: String)) throws {
        self.plan = plan
        rows = plan.rows
        columns = plan.columns
        func load(_ adapter: Int, _ key: String, count: Int) throws -> [Float] {
            let (bytes, dtype) = try factor(adapter, key)
            let values = try Conversion.toFloat(bytes, dtype: dtype)
            guard values.count == count else {
                throw MergeError.invalid("adapter tensor \(key) has \(values.count) values, expected \(count) for \(plan.name)")
            }
            return values
        }
        var terms: [(l: [Float], r: [Float], rank: Int, transposed: Bool, coefficient: Float)] = []
        for term in plan.lowRank {
            let (outF, inF) = term.transposed ? (plan.columns, plan.rows) : (plan.rows, plan.columns)
            let a = try load(term.adapter, term.aKey, count: term.rank * inF)
            let b = try load(term.adapter, term.bKey, count: outF * term.rank)
            if term.transposed {
                // L = Aᵀ is read in place (trans_l); R = Bᵀ is packed once here instead of per block.
                var bt = [Float](repeating: 0, count: b.count)
                b.withUnsafeBufferPointer { src in
                    bt.withUnsafeMutableBufferPointer { dst in
                        loom_transpose_f32(src.baseAddress, term.rank, outF, term.rank, dst.baseAddress, outF)
                    }
                }
                terms.append((a, bt, term.rank, true, term.coefficient))
            } else {
                terms.append((b, a, term.rank, false, term.coefficient))
            }
        }
        lowRank = terms
        let (rowCount, columnCount) = (plan.rows, plan.columns)
        let featureCount = plan.dora?.axis == .columns ? columnCount : rowCount
        magnitude = try plan.dora.map { try load($0.adapter, $0.magnitudeKey, count: featureCount) }
        scale = try plan.scale.map { s in
            try load(s.adapter, s.key, count: s.axis == .rows ? rowCount : columnCount)
        }
        biasAdds = try plan.biasAdds.map { (try load($0.adapter, $0.key, count: rowCount * columnCount), $0.coefficient) }
    }

    /// Column-axis DoRA needs norms over all rows before any row is final.
    public var needsWholeTensor: Bool { plan.dora?.axis == .columns }

    /// Computes rows `range` of the output into `block` (`range.count × columns` floats).
    ///
    /// - Parameters:
    ///   - source: the whole source tensor's stored bytes (W0, or an adapter's replacement).
    ///   - sourceDType: its safetensors dtype name.
    /// - Precondition: when ``needsWholeTensor``, `range` must be all rows.
    public func computeRows(
        _ range: Range<Int>, source: UnsafeRawBufferPointer, sourceDType: String, into block: UnsafeMutableBufferPointer<Float>
    ) throws {
        precondition(!needsWholeTensor || range == 0..<rows, "column-axis DoRA needs the whole tensor")
        let n = range.count * columns
        precondition(block.count >= n)
        try Conversion.convert(source, dtype: sourceDType, elements: (range.lowerBound * columns)..<(range.upperBound * columns), into: block)
        guard let c = block.baseAddress else { return }
        for term in lowRank {
            let status = term.l.withUnsafeBufferPointer { l in
                term.r.withUnsafeBufferPointer { r in
                    if term.transposed {
                        // L[i,k] = A[k * rows + i]: offset the column start by the block's first row.
                        return loom_lowrank_update(
                            c, columns, range.count, columns, term.rank,
                            l.baseAddress! + range.lowerBound, rows, 1, r.baseAddress, columns, 0, term.coefficient)
                    }
                    return loom_lowrank_update(
                        c, columns, range.count, columns, term.rank,
                        l.baseAddress! + range.lowerBound * term.rank, term.rank, 0, r.baseAddress, columns, 0, term.coefficient)
                }
            }
            guard status == 0 else { throw MergeError.invalid("low-rank update of \(plan.name) failed (status \(status))") }
        }
        if let magnitude {
            applyDoRA(magnitude, rows: range, block: c)
        }
        if let scale, let axis = plan.scale?.axis {
            scale.withUnsafeBufferPointer { s in
                switch axis {
                case .rows: loom_scale_rows_f32(c, columns, range.count, columns, s.baseAddress! + range.lowerBound)
                case .columns, .elements: loom_scale_cols_f32(c, columns, range.count, columns, s.baseAddress)
                }
            }
        }
        for add in biasAdds {
            let offset = range.lowerBound * columns
            for j in 0..<n {
                block[j] = block[j] + add.coefficient * add.values[offset + j]
            }
        }
    }

    /// W' = (m / ‖W + ΔW‖) · (W + ΔW), norms in float64 along the plan's axis.
    private func applyDoRA(_ m: [Float], rows range: Range<Int>, block c: UnsafeMutablePointer<Float>) {
        let axisIsRows = plan.dora?.axis == .rows
        let count = axisIsRows ? range.count : columns
        var sums = [Double](repeating: 0, count: count)
        sums.withUnsafeMutableBufferPointer { s in
            if axisIsRows {
                loom_row_sumsq(c, columns, range.count, columns, s.baseAddress)
            } else {
                loom_col_sumsq_accumulate(c, columns, range.count, columns, s.baseAddress)
            }
        }
        let first = axisIsRows ? range.lowerBound : 0
        var factors = [Double](repeating: 0, count: count)
        for i in 0..<count {
            factors[i] = Double(m[first + i]) / sums[i].squareRoot()
        }
        factors.withUnsafeBufferPointer { f in
            if axisIsRows {
                loom_scale_rows_f64(c, columns, range.count, columns, f.baseAddress)
            } else {
                loom_scale_cols_f64(c, columns, range.count, columns, f.baseAddress)
            }
        }
    }
}
