import CBLAS
import Testing
@testable import Merge

/// Low-rank update (float64): accuracy against a float64 reference, both layouts, row blocks, and OpenBLAS.
@Suite struct KernelTests {
    /// (rows, columns, rank) with tails that are not multiples of any vector width.
    static let shapes: [(Int, Int, Int)] = [
        (7, 13, 1), (7, 13, 3), (64, 168, 8), (257, 33, 16), (5, 130, 65), (9, 100, 16), (1, 1, 1), (33, 17, 256),
    ]

    @Test(arguments: shapes, [1, 0.75, -2.5])
    func linearDeltaIsWithinRoundingOfFloat64(shape: (Int, Int, Int), scale: Double) {
        let (rows, cols, rank) = shape
        var rng = SplitMix64(seed: UInt64(rows * 1000 + cols * 10 + rank))
        let b = rng.doubles(rows * rank), a = rng.doubles(rank * cols), w = rng.doubles(rows * cols)
        var out = w
        b.withUnsafeBufferPointer { bp in
            a.withUnsafeBufferPointer { ap in
                out.withUnsafeMutableBufferPointer {
                    Kernels.addLinearDelta(to: $0, rows: 0..<rows, b: bp, a: ap, rank: rank, scale: scale)
                }
            }
        }
        expectWithinRounding(out, w: w, rows: rows, cols: cols, rank: rank, scale: scale) { i, j, k in
            (b[i * rank + k], a[k * cols + j])
        }
    }

    /// Conv1D / Embedding: W is `[in, out]`, ΔW = (B·A)ᵀ with A `[rank, in]`, B `[out, rank]`.
    @Test(arguments: shapes, [1, -0.375])
    func transposedDeltaIsWithinRoundingOfFloat64(shape: (Int, Int, Int), scale: Double) {
        let (inFeatures, outFeatures, rank) = shape
        var rng = SplitMix64(seed: UInt64(inFeatures * 7 + outFeatures * 3 + rank))
        let a = rng.doubles(rank * inFeatures), b = rng.doubles(outFeatures * rank), w = rng.doubles(inFeatures * outFeatures)
        var out = w
        b.withUnsafeBufferPointer { bp in
            a.withUnsafeBufferPointer { ap in
                out.withUnsafeMutableBufferPointer {
                    Kernels.addTransposedDelta(to: $0, rows: 0..<inFeatures, b: bp, a: ap, rank: rank, scale: scale)
                }
            }
        }
        expectWithinRounding(out, w: w, rows: inFeatures, cols: outFeatures, rank: rank, scale: scale) { i, j, k in
            (a[k * inFeatures + i], b[j * rank + k])
        }
    }

    /// Processing a matrix in row blocks gives the same bits as one call (the caller's tiling and
    /// threading cannot change the result).
    @Test(arguments: [false, true])
    func rowBlocksGiveTheSameBitsAsOneCall(transposed: Bool) {
        let (rows, cols, rank) = (37, 70, 12)
        var rng = SplitMix64(seed: 99)
        let b = rng.doubles((transposed ? cols : rows) * rank), a = rng.doubles(rank * (transposed ? rows : cols))
        let w = rng.doubles(rows * cols)
        func apply(_ block: UnsafeMutableBufferPointer<Double>, _ range: Range<Int>) {
            b.withUnsafeBufferPointer { bp in
                a.withUnsafeBufferPointer { ap in
                    if transposed { Kernels.addTransposedDelta(to: block, rows: range, b: bp, a: ap, rank: rank, scale: 0.5) }
                    else { Kernels.addLinearDelta(to: block, rows: range, b: bp, a: ap, rank: rank, scale: 0.5) }
                }
            }
        }
        var whole = w
        whole.withUnsafeMutableBufferPointer { apply($0, 0..<rows) }
        var blocked = w
        for start in stride(from: 0, to: rows, by: 5) {
            let range = start..<min(start + 5, rows)
            blocked.withUnsafeMutableBufferPointer {
                apply(UnsafeMutableBufferPointer(rebasing: $0[range.lowerBound * cols..<range.upperBound * cols]), range)
            }
        }
        #expect(whole.map(\.bitPattern) == blocked.map(\.bitPattern))
    }

    /// The same product through OpenBLAS lands within float64 noise: the CBLAS link works, and the
    /// shapes mean what dgemm means.
    @Test func agreesWithOpenBLASDgemm() {
        let (m, n, k) = (45, 77, 16)
        var rng = SplitMix64(seed: 5)
        let b = rng.doubles(m * k), a = rng.doubles(k * n), w = rng.doubles(m * n)
        var ours = w, blas = w
        b.withUnsafeBufferPointer { bp in
            a.withUnsafeBufferPointer { ap in
                ours.withUnsafeMutableBufferPointer {
                    Kernels.addLinearDelta(to: $0, rows: 0..<m, b: bp, a: ap, rank: k, scale: 1.5)
                }
                blas.withUnsafeMutableBufferPointer {
                    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1.5,
                                bp.baseAddress, Int32(k), ap.baseAddress, Int32(n), 1, $0.baseAddress, Int32(n))
                }
            }
        }
        // Both are within (k+2)·2⁻⁵³ of the exact value relative to |W| + 1.5·Σ|B||A| (dgemm may use FMA
        // and another order), so they are within twice that of each other.
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                let magnitude = abs(w[i * n + j]) + 1.5 * (0..<k).reduce(0.0) { $0 + abs(b[i * k + $1] * a[$1 * n + j]) }
                worst = max(worst, abs(ours[i * n + j] - blas[i * n + j]) / magnitude)
            }
        }
        #expect(worst <= 2 * Double(k + 2) * 0x1p-53, "largest relative difference from dgemm: \(worst)")
        #expect(worst > 0 || ours == blas)
        #expect(ours != w)
    }

    @Test func lowRankUpdateReadsStridedSubmatrices() {
        // C is the 3×4 top-left corner of a 5×9 array; L and R are read transposed out of wider arrays.
        let rank = 2
        var c = [Double](repeating: 1, count: 5 * 9)
        let lStored: [Double] = (0..<(rank * 6)).map { Double($0) }  // L[i,k] = lStored[k*6 + i]
        let rStored: [Double] = (0..<(4 * 3)).map { Double($0) / 4 } // R[k,j] = rStored[j*3 + k]
        lStored.withUnsafeBufferPointer { l in
            rStored.withUnsafeBufferPointer { r in
                c.withUnsafeMutableBufferPointer {
                    Kernels.lowRankUpdate($0.baseAddress!, rowStride: 9, rows: 3, columns: 4, rank: rank,
                                          left: .transposed(l.baseAddress!, rowStride: 6),
                                          right: .transposed(r.baseAddress!, rowStride: 3), coefficient: 2)
                }
            }
        }
        for i in 0..<5 {
            for j in 0..<9 {
                var expected: Double = 1
                if i < 3, j < 4 { expected += 2 * (0..<rank).reduce(0) { $0 + lStored[$1 * 6 + i] * rStored[j * 3 + $1] } }
                #expect(c[i * 9 + j] == expected, "C[\(i),\(j)]")
            }
        }
    }

    private func expectWithinRounding(
        _ out: [Double], w: [Double], rows: Int, cols: Int, rank: Int, scale: Double,
        factors: (Int, Int, Int) -> (Double, Double)
    ) {
        // Factors are widened float32 values, so every product is exact; the reference below rounds its
        // own sums in float64 too, so the bound counts both dot products.
        let u = 0x1p-53
        var failures = 0
        for i in 0..<rows {
            for j in 0..<cols {
                var exact = 0.0, magnitude = 0.0
                for k in 0..<rank {
                    let (l, r) = factors(i, j, k)
                    exact += Double(l) * Double(r)
                    magnitude += abs(Double(l) * Double(r))
                }
                let expected = w[i * cols + j] + scale * exact
                // Recursive dot product: γ_rank·Σ|l·r|; then one rounding each for the scale and the add.
                let bound = 4 * u * abs(expected) + 2 * Double(rank + 2) * u * abs(scale) * magnitude * 1.01 + 1e-300
                if abs(out[i * cols + j] - expected) > bound, failures < 5 {
                    failures += 1
                    Issue.record("[\(i),\(j)] got \(out[i * cols + j]), exact \(expected), bound \(bound)")
                }
            }
        }
    }
}

/// A small deterministic generator (tests must not depend on the system RNG).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Values in [-1, 1) with varied magnitudes, so rounding is exercised.
    mutating func floats(_ count: Int) -> [Float] {
        (0..<count).map { _ in Float.random(in: -1..<1, using: &self) * Float(1 << Int.random(in: 0..<4, using: &self)) }
    }
    /// ``floats(_:)`` widened to float64 (factors as a merge holds them: widened stored values).
    mutating func doubles(_ count: Int) -> [Double] {
        floats(count).map(Double.init)
    }
}

/// ``LowRankDelta``: packed once, applied per row block and from several threads, same bits.
@Suite struct LowRankDeltaTests {
    @Test(arguments: [LowRankDelta.Layout.linear, .transposed], [(70, 45, 8), (9, 300, 1), (33, 17, 200)])
    func blocksAndThreadsGiveTheOneShotBits(layout: LowRankDelta.Layout, shape: (Int, Int, Int)) async {
        let (rows, cols, rank) = shape
        var rng = SplitMix64(seed: UInt64(rows ^ cols ^ rank))
        // W is rows × cols in both layouts; B and A are shaped for the layout.
        let (outFeatures, inFeatures) = layout == .linear ? (rows, cols) : (cols, rows)
        let b = rng.doubles(outFeatures * rank), a = rng.doubles(rank * inFeatures), w = rng.doubles(rows * cols)
        var expected = w
        b.withUnsafeBufferPointer { bp in
            a.withUnsafeBufferPointer { ap in
                expected.withUnsafeMutableBufferPointer {
                    if layout == .linear { Kernels.addLinearDelta(to: $0, rows: 0..<rows, b: bp, a: ap, rank: rank, scale: -1.25) }
                    else { Kernels.addTransposedDelta(to: $0, rows: 0..<rows, b: bp, a: ap, rank: rank, scale: -1.25) }
                }
            }
        }
        let delta = b.withUnsafeBufferPointer { bp in
            a.withUnsafeBufferPointer { LowRankDelta(b: bp, a: $0, rank: rank, scale: -1.25, layout: layout) }
        }
        #expect(delta.rows == rows && delta.columns == cols)
        let blockRows = 7
        let blocks = await withTaskGroup(of: (Int, [Double]).self) { group in
            for start in stride(from: 0, to: rows, by: blockRows) {
                let range = start..<min(start + blockRows, rows)
                let initial = Array(w[range.lowerBound * cols..<range.upperBound * cols])
                group.addTask {
                    var block = initial
                    block.withUnsafeMutableBufferPointer { delta.add(to: $0, rows: range) }
                    return (start, block)
                }
            }
            return await group.reduce(into: [Int: [Double]]()) { $0[$1.0] = $1.1 }
        }
        let assembled = blocks.keys.sorted().flatMap { blocks[$0]! }
        #expect(assembled.map(\.bitPattern) == expected.map(\.bitPattern))
    }
}
