/// Computes one planned output tensor in float64, row block by row block.
///
/// Holds the plan's adapter factors widened exactly to float64, packed once for the kernels
/// (``LowRankDelta``), plus magnitudes, IA3 vectors and bias deltas: O(rank × (rows + columns)), never the
/// weight itself — except for a non-linear ``TensorPlan/combine``, whose top-k and sign election need
/// every delta whole: init computes the combined ΔW (rows × columns float64 values, kept until the
/// computation goes away; (terms + 2) such arrays at the peak of init). The caller streams the source tensor through ``computeRows(_:source:sourceDType:into:)``
/// and rounds each block once to the output dtype. Every operation is a fixed-order kernel, so results are
/// bit-identical on every CPU; float64 leaves the one rounding to the output as the only one that shows,
/// also where W0 + ΔW cancels to a small value.
///
/// Immutable after init; ``computeRows(_:source:sourceDType:into:)`` may be called concurrently for
/// disjoint row ranges.
public struct TensorComputation: @unchecked Sendable {
    // @unchecked: LowRankDelta is immutable after init and its `add` is safe on disjoint blocks; the
    // arrays are never mutated after init.
    public let plan: TensorPlan
    let rows: Int
    let columns: Int
    private let deltas: [LowRankDelta]
    /// ΔW of a non-linear combination, whole (rows × columns values); the deltas are then empty.
    private let combined: [Double]?
    private let magnitude: [Double]?
    private let scale: [Double]?
    private let biasAdds: [(values: [Double], coefficient: Double)]

    /// Loads the plan's factors through `factor`, which returns a stored adapter tensor's bytes and
    /// safetensors dtype name for (adapter index, key).
    ///
    /// - Throws: ``MergeError`` when a factor has an unexpected size, or whatever `factor` throws.
    public init(plan: TensorPlan, factor: (Int, String) throws -> (bytes: UnsafeRawBufferPointer, dtype: String)) throws {
        self.plan = plan
        let (rowCount, columnCount) = (plan.rows, plan.columns)
        rows = rowCount
        columns = columnCount
        func load(_ adapter: Int, _ key: String, count: Int) throws -> [Double] {
            let (bytes, dtype) = try factor(adapter, key)
            let values = try Conversion.toDouble(bytes, dtype: dtype)
            guard values.count == count else {
                throw MergeError.invalid("adapter tensor \(key) has \(values.count) values, expected \(count) for \(plan.name)")
            }
            return values
        }
        let factors = try plan.lowRank.map { term in
            let (outF, inF) = term.transposed ? (columnCount, rowCount) : (rowCount, columnCount)
            let a = try load(term.adapter, term.aKey, count: term.rank * inF)
            let b = try load(term.adapter, term.bKey, count: outF * term.rank)
            return b.withUnsafeBufferPointer { bp in
                a.withUnsafeBufferPointer { ap in
                    LowRankDelta(
                        b: bp, a: ap, rank: term.rank, scale: plan.combine.isLinear ? term.coefficient : term.scaling,
                        layout: term.transposed ? .transposed : .linear)
                }
            }
        }
        if plan.combine.isLinear || factors.isEmpty {
            deltas = factors
            combined = nil
        } else {
            deltas = []
            combined = Self.combination(plan, factors, rows: rowCount, columns: columnCount)
        }
        let featureCount = plan.dora?.axis == .columns ? columnCount : rowCount
        magnitude = try plan.dora.map { try load($0.adapter, $0.magnitudeKey, count: featureCount) }
        scale = try plan.scale.map { s in
            try load(s.adapter, s.key, count: s.axis == .rows ? rowCount : columnCount)
        }
        biasAdds = try plan.biasAdds.map { (try load($0.adapter, $0.key, count: rowCount * columnCount), $0.coefficient) }
    }

    /// Column-axis DoRA needs norms over all rows before any row is final.
    public var needsWholeTensor: Bool { plan.dora?.axis == .columns }

    /// Computes rows `range` of the output, in float64, into the first `range.count × columns` values of `block`.
    ///
    /// - Parameters:
    ///   - source: the whole source tensor's stored bytes (W0, or an adapter's replacement).
    ///   - sourceDType: its safetensors dtype name.
    /// - Precondition: when ``needsWholeTensor``, `range` must be all rows.
    public func computeRows(
        _ range: Range<Int>, source: UnsafeRawBufferPointer, sourceDType: String, into block: UnsafeMutableBufferPointer<Double>
    ) throws {
        precondition(!needsWholeTensor || range == 0..<rows, "column-axis DoRA needs the whole tensor")
        let n = range.count * columns
        precondition(block.count >= n)
        let values = UnsafeMutableBufferPointer(rebasing: block[0..<n])
        try Conversion.convert(source, dtype: sourceDType, elements: (range.lowerBound * columns)..<(range.upperBound * columns), into: values)
        guard n > 0 else { return }
        for delta in deltas { delta.add(to: values, rows: range) }
        if let combined {
            let offset = range.lowerBound * columns
            for j in 0..<n { values[j] = values[j] + combined[offset + j] }
        }
        if let magnitude { applyDoRA(magnitude, rows: range, values) }
        if let scale, let axis = plan.scale?.axis {
            scale.withUnsafeBufferPointer { s in
                switch axis {
                case .rows: Kernels.scaleRows(values, columns: columns, by: UnsafeBufferPointer(rebasing: s[range]))
                case .columns, .elements: Kernels.scaleColumns(values, columns: columns, by: s)
                }
            }
        }
        for add in biasAdds {
            let offset = range.lowerBound * columns
            for j in 0..<n { values[j] = values[j] + add.coefficient * add.values[offset + j] }
        }
    }

    /// The full deltas Dᵢ = sᵢ·Bᵢ·Aᵢ, combined by the plan's method (§10.1). Memory: one rows × columns
    /// float64 array per term, plus the result and (top-k) a sorted copy of magnitudes, while it runs;
    /// the result alone afterwards.
    private static func combination(_ plan: TensorPlan, _ factors: [LowRankDelta], rows: Int, columns: Int) -> [Double] {
        var full = factors.map { delta in
            var d = [Double](repeating: 0, count: rows * columns)
            d.withUnsafeMutableBufferPointer { delta.add(to: $0, rows: 0..<rows) }
            return d
        }
        let options = plan.combine
        let masks = options.seed.map { seed in
            plan.lowRank.map { DAREMask(seed: seed, digest: $0.digest, tensor: plan.name, density: options.density ?? 1) }
        } ?? []
        return DeltaCombiner.combine(&full, weights: plan.lowRank.map(\.weight), options: options, masks: masks)
    }

    /// W' = (m / ‖W + ΔW‖) · (W + ΔW), in float64, norms along the plan's axis.
    private func applyDoRA(_ m: [Double], rows range: Range<Int>, _ values: UnsafeMutableBufferPointer<Double>) {
        let alongRows = plan.dora?.axis == .rows
        let norms = alongRows
            ? Kernels.rowNorms(UnsafeBufferPointer(values), columns: columns)
            : Kernels.columnNorms(UnsafeBufferPointer(values), columns: columns)
        let first = alongRows ? range.lowerBound : 0
        let factors = norms.enumerated().map { m[first + $0.offset] / $0.element }
        factors.withUnsafeBufferPointer { f in
            if alongRows {
                Kernels.scaleRows(values, columns: columns, by: f)
            } else {
                Kernels.scaleColumns(values, columns: columns, by: f)
            }
        }
    }
}
