import CMergeKernels

/// How a factor of a low-rank product is laid out in memory: a row-major array read either as is or
/// transposed, so that `Aᵀ` and `Bᵀ` need no copy.
package struct LowRankFactor {
    /// The first element (row 0, column 0 of the factor as the product reads it).
    package var base: UnsafePointer<Double>
    /// Distance in elements between consecutive rows of the stored array.
    package var rowStride: Int
    /// Whether element (i, k) of the factor is `base[k * rowStride + i]` instead of `base[i * rowStride + k]`.
    package var isTransposed: Bool

    /// Element (i, k) is `base[i * rowStride + k]`.
    package static func rowMajor(_ base: UnsafePointer<Double>, rowStride: Int) -> LowRankFactor {
        LowRankFactor(base: base, rowStride: rowStride, isTransposed: false)
    }

    /// Element (i, k) is `base[k * rowStride + i]`: the transpose of a row-major array.
    package static func transposed(_ base: UnsafePointer<Double>, rowStride: Int) -> LowRankFactor {
        LowRankFactor(base: base, rowStride: rowStride, isTransposed: true)
    }
}

extension Kernels {
    /// `C[rows, columns] += coefficient · (L · R)` in float64, in a fixed order.
    ///
    /// Element (i, j) is computed as `d = L[i,0]·R[0,j]`, then `d = d + L[i,k]·R[k,j]` for k = 1..<rank,
    /// then `C[i,j] = C[i,j] + coefficient·d`, each product and sum rounded to float64 (no FMA). The result
    /// is the same on every CPU and every ``InstructionSet``. With factors widened from float32 or
    /// narrower, every product is exact.
    ///
    /// Each call copies R (`rank × columns` doubles, one ≤ 256 KiB panel at a time) into scratch memory
    /// and streams C through once; to apply one ΔW to many row blocks, use ``LowRankDelta``, which packs
    /// once. This is the unchecked primitive; ``addLinearDelta(to:rows:b:a:rank:scale:)`` and
    /// ``addTransposedDelta(to:rows:b:a:rank:scale:)`` check shapes against buffer sizes.
    ///
    /// - Parameters:
    ///   - c: element (i, j) of C is `c[i * rowStride + j]`; must not overlap `left` or `right`.
    ///   - left: L, `rows × rank`. `right`: R, `rank × columns`.
    /// - Precondition: `rank ≥ 1`, dimensions non-negative, every addressed element inside its buffer.
    package static func lowRankUpdate(
        _ c: UnsafeMutablePointer<Double>, rowStride: Int, rows: Int, columns: Int, rank: Int,
        left: LowRankFactor, right: LowRankFactor, coefficient: Double
    ) {
        precondition(rank >= 1 && rows >= 0 && columns >= 0 && rowStride >= 0, "invalid low-rank update shape")
        precondition(left.rowStride >= 0 && right.rowStride >= 0, "negative factor stride")
        let status = loom_lowrank_update(
            c, rowStride, rows, columns, rank,
            left.base, left.rowStride, left.isTransposed ? 1 : 0,
            right.base, right.rowStride, right.isTransposed ? 1 : 0, coefficient)
        precondition(status == 0, "loom_lowrank_update failed (\(status))")
    }

    /// Adds `scale · (B·A)[rows, :]` to a row block of an `nn.Linear` weight `W[out, in]`.
    ///
    /// - Parameters:
    ///   - block: rows `rows` of W, row-major and contiguous (`rows.count × in` values).
    ///   - rows: which rows of W the block holds, within `0..<out`.
    ///   - b: `lora_B`, `[out, rank]` row-major. `a`: `lora_A`, `[rank, in]` row-major.
    /// - Precondition: the buffer sizes agree with `rank` and `rows`; `block` overlaps neither factor.
    package static func addLinearDelta(
        to block: UnsafeMutableBufferPointer<Double>, rows: Range<Int>,
        b: UnsafeBufferPointer<Double>, a: UnsafeBufferPointer<Double>, rank: Int, scale: Double
    ) {
        let (outFeatures, inFeatures) = factorShape(b: b, a: a, rank: rank)
        precondition(rows.lowerBound >= 0 && rows.upperBound <= outFeatures, "rows \(rows) outside 0..<\(outFeatures)")
        precondition(block.count == rows.count * inFeatures, "block holds \(block.count) values, expected \(rows.count)×\(inFeatures)")
        guard !rows.isEmpty, inFeatures > 0, let c = block.baseAddress, let bBase = b.baseAddress, let aBase = a.baseAddress
        else { return }
        lowRankUpdate(
            c, rowStride: inFeatures, rows: rows.count, columns: inFeatures, rank: rank,
            left: .rowMajor(bBase + rows.lowerBound * rank, rowStride: rank),
            right: .rowMajor(aBase, rowStride: inFeatures), coefficient: scale)
    }

    /// Adds `scale · ((B·A)ᵀ)[rows, :]` to a row block of a weight stored transposed, `W[in, out]`:
    /// GPT-2 `Conv1D` (A `[rank, in]`, B `[out, rank]`) and `nn.Embedding` (`lora_embedding_A` `[rank, V]`,
    /// `lora_embedding_B` `[H, rank]`, W `[V, H]`).
    ///
    /// - Parameters:
    ///   - block: rows `rows` of W, row-major and contiguous (`rows.count × out` values).
    ///   - rows: which rows of W the block holds, within `0..<in`.
    /// - Precondition: the buffer sizes agree with `rank` and `rows`; `block` overlaps neither factor.
    package static func addTransposedDelta(
        to block: UnsafeMutableBufferPointer<Double>, rows: Range<Int>,
        b: UnsafeBufferPointer<Double>, a: UnsafeBufferPointer<Double>, rank: Int, scale: Double
    ) {
        let (outFeatures, inFeatures) = factorShape(b: b, a: a, rank: rank)
        precondition(rows.lowerBound >= 0 && rows.upperBound <= inFeatures, "rows \(rows) outside 0..<\(inFeatures)")
        precondition(block.count == rows.count * outFeatures, "block holds \(block.count) values, expected \(rows.count)×\(outFeatures)")
        guard !rows.isEmpty, outFeatures > 0, let c = block.baseAddress, let bBase = b.baseAddress, let aBase = a.baseAddress
        else { return }
        lowRankUpdate(
            c, rowStride: outFeatures, rows: rows.count, columns: outFeatures, rank: rank,
            left: .transposed(aBase + rows.lowerBound, rowStride: inFeatures),
            right: .transposed(bBase, rowStride: rank), coefficient: scale)
    }

    private static func factorShape(
        b: UnsafeBufferPointer<Double>, a: UnsafeBufferPointer<Double>, rank: Int
    ) -> (outFeatures: Int, inFeatures: Int) {
        precondition(rank >= 1, "rank must be at least 1")
        precondition(b.count % rank == 0 && a.count % rank == 0, "factor sizes \(b.count), \(a.count) are not multiples of rank \(rank)")
        return (b.count / rank, a.count / rank)
    }
}
