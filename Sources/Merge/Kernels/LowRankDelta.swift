import CMergeKernels

/// ΔW = scale · B·A for one weight, in float64, with both factors copied once into the layout the kernel reads, so
/// that any number of row blocks, on any number of threads, can each add their part of it.
///
/// Bits do not depend on the blocking, the threads or the CPU: element (i, j) is always computed as
/// ``Kernels/lowRankUpdate(_:rowStride:rows:columns:rank:left:right:coefficient:)`` describes.
/// Immutable after `init` and owns its memory (about `(rows + columns) · rank` doubles); ``add(to:rows:)``
/// may run concurrently on disjoint blocks.
package final class LowRankDelta: @unchecked Sendable {
    /// How W stores ΔW.
    package enum Layout: Sendable {
        /// W is `[out, in]` (`nn.Linear`, convolutions reshaped to `[out, in·k…]`): ΔW = B·A.
        case linear
        /// W is `[in, out]` (GPT-2 `Conv1D`; `nn.Embedding` `[V, H]`): ΔW = (B·A)ᵀ.
        case transposed
    }

    /// Rows of W (`out` for `.linear`, `in` for `.transposed`).
    package let rows: Int
    /// Columns of W.
    package let columns: Int
    package let rank: Int
    package let scale: Double
    // Row-major [rows, rank], and R as loom_lowrank_pack lays it out; both immutable after init.
    private let left: UnsafeMutableBufferPointer<Double>
    private let right: UnsafeMutableBufferPointer<Double>

    /// Copies the factors.
    ///
    /// - Parameters:
    ///   - b: `lora_B`, `[out, rank]` row-major. `a`: `lora_A`, `[rank, in]` row-major.
    /// - Precondition: `rank ≥ 1`, both factor sizes are multiples of `rank`.
    package init(b: UnsafeBufferPointer<Double>, a: UnsafeBufferPointer<Double>, rank: Int, scale: Double, layout: Layout) {
        precondition(rank >= 1 && b.count % rank == 0 && a.count % rank == 0,
                     "factor sizes \(b.count), \(a.count) do not fit rank \(rank)")
        let (outFeatures, inFeatures) = (b.count / rank, a.count / rank)
        self.rank = rank
        self.scale = scale
        (rows, columns) = layout == .linear ? (outFeatures, inFeatures) : (inFeatures, outFeatures)
        left = .allocate(capacity: max(rows * rank, 1))
        right = .allocate(capacity: max(loom_lowrank_packed_count(rank, columns), 1))
        guard rows > 0, columns > 0, let aBase = a.baseAddress, let bBase = b.baseAddress else { return }
        switch layout {
        case .linear:
            _ = left.initialize(from: b)
            loom_lowrank_pack(aBase, inFeatures, 0, rank, columns, right.baseAddress!)
        case .transposed:
            loom_transpose_f64(aBase, inFeatures, rank, inFeatures, left.baseAddress!, rank)
            loom_lowrank_pack(bBase, rank, 1, rank, columns, right.baseAddress!)
        }
    }

    deinit {
        left.deallocate()
        right.deallocate()
    }

    /// Adds rows `rows` of ΔW to `block`, which holds those rows of W row-major and contiguous
    /// (`rows.count × columns` values).
    ///
    /// - Precondition: `rows` lies within `0..<self.rows` and `block.count == rows.count * columns`.
    package func add(to block: UnsafeMutableBufferPointer<Double>, rows range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "rows \(range) outside 0..<\(rows)")
        precondition(block.count == range.count * columns, "block holds \(block.count) values, expected \(range.count)×\(columns)")
        guard !range.isEmpty, columns > 0, let c = block.baseAddress else { return }
        let status = loom_lowrank_update_packed(
            c, columns, range.count, columns, rank, left.baseAddress! + range.lowerBound * rank, rank, 0,
            right.baseAddress!, scale)
        precondition(status == 0, "loom_lowrank_update_packed failed (\(status))")
    }
}
