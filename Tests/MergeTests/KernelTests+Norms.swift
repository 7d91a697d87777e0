import Testing
@testable import Merge

@Suite struct KernelNormTests {
    @Test(arguments: [(1, 1), (3, 15), (5, 16), (7, 17), (4, 100)])
    func rowNormsMatchFloat64(shape: (Int, Int)) {
        let (rows, cols) = shape
        var rng = SplitMix64(seed: UInt64(rows * cols))
        let m = rng.doubles(rows * cols)
        let norms = m.withUnsafeBufferPointer { Kernels.rowNorms($0, columns: cols) }
        for i in 0..<rows {
            let exact = (0..<cols).reduce(0.0) { $0 + m[i * cols + $1] * m[i * cols + $1] }.squareRoot()
            #expect(abs(norms[i] - exact) <= 1e-14 * exact, "row \(i)")
        }
    }

    /// Column sums accumulated over row blocks equal the single-call result bit for bit.
    @Test func columnSumsAccumulateOverRowBlocks() {
        let (rows, cols) = (23, 37)
        var rng = SplitMix64(seed: 3)
        let m = rng.doubles(rows * cols)
        var whole = [Double](repeating: 0, count: cols), blocked = whole
        m.withUnsafeBufferPointer { src in
            whole.withUnsafeMutableBufferPointer { Kernels.accumulateColumnSumsOfSquares(src, columns: cols, into: $0) }
            for start in stride(from: 0, to: rows, by: 4) {
                let block = UnsafeBufferPointer(rebasing: src[start * cols..<min(start + 4, rows) * cols])
                blocked.withUnsafeMutableBufferPointer { Kernels.accumulateColumnSumsOfSquares(block, columns: cols, into: $0) }
            }
        }
        #expect(whole.map(\.bitPattern) == blocked.map(\.bitPattern))
        let norms = m.withUnsafeBufferPointer { Kernels.columnNorms($0, columns: cols) }
        #expect(norms == whole.map { $0.squareRoot() })
        for j in 0..<cols {
            let exact = (0..<rows).reduce(0.0) { $0 + m[$1 * cols + j] * m[$1 * cols + j] }
            #expect(abs(whole[j] - exact) <= 1e-15 * exact)
        }
    }

    @Test func scalingIsAFloat64Product() {
        let (rows, cols) = (3, 21)
        var rng = SplitMix64(seed: 8)
        let m = rng.doubles(rows * cols)
        let f = [1.0 / 3, 0.7, -2.0 / 7], g = (0..<cols).map { 1 + Double($0) / 9 }
        var byRows = m, byCols = m
        byRows.withUnsafeMutableBufferPointer { buffer in f.withUnsafeBufferPointer { Kernels.scaleRows(buffer, columns: cols, by: $0) } }
        byCols.withUnsafeMutableBufferPointer { buffer in g.withUnsafeBufferPointer { Kernels.scaleColumns(buffer, columns: cols, by: $0) } }
        for i in 0..<rows {
            for j in 0..<cols {
                #expect(byRows[i * cols + j] == m[i * cols + j] * f[i])
                #expect(byCols[i * cols + j] == m[i * cols + j] * g[j])
            }
        }
    }
}
