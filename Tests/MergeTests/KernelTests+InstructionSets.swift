import Testing
@testable import Merge

/// Every vector variant must give the portable variant's bits, for every kernel: this is what makes a
/// merged checkpoint hash the same on every CPU.
@Suite struct KernelInstructionSetTests {
    static let vectorSets = InstructionSet.allCases.filter { $0 != .portable }

    /// Runs `body` under each instruction set this CPU supports and expects identical output.
    private func expectSameBitsOnEverySet<T: Equatable>(_ what: String, _ body: () -> T) {
        let reference = Kernels.withInstructionSet(.portable, body)
        for isa in Self.vectorSets where isa.isSupported {
            let result = Kernels.withInstructionSet(isa, body)
            #expect(result == reference, "\(what): \(isa) differs from portable")
        }
    }

    @Test func reportsInstructionSetsThisCPUCannotCover() {
        // Not a failure on old CPUs, but make the coverage visible in the log.
        let missing = Self.vectorSets.filter { !$0.isSupported }
        if !missing.isEmpty { print("KernelInstructionSetTests: not covered on this CPU: \(missing)") }
        #expect(Kernels.activeInstructionSet.isSupported)
    }

    @Test(arguments: [(7, 13, 3), (64, 168, 8), (257, 33, 16), (5, 130, 65), (4, 64, 1), (8, 95, 17)])
    func lowRankUpdateIsBitIdentical(shape: (Int, Int, Int)) {
        let (rows, cols, rank) = shape
        var rng = SplitMix64(seed: UInt64(rows + cols * rank))
        let l = rng.doubles(rows * rank), r = rng.doubles(rank * cols), w = rng.doubles(rows * cols)
        for (transL, transR) in [(false, false), (true, true), (true, false), (false, true)] {
            expectSameBitsOnEverySet("lowrank \(shape) transL=\(transL) transR=\(transR)") {
                var c = w
                l.withUnsafeBufferPointer { lp in
                    r.withUnsafeBufferPointer { rp in
                        c.withUnsafeMutableBufferPointer {
                            Kernels.lowRankUpdate(
                                $0.baseAddress!, rowStride: cols, rows: rows, columns: cols, rank: rank,
                                left: transL ? .transposed(lp.baseAddress!, rowStride: rows) : .rowMajor(lp.baseAddress!, rowStride: rank),
                                right: transR ? .transposed(rp.baseAddress!, rowStride: rank) : .rowMajor(rp.baseAddress!, rowStride: cols),
                                coefficient: -0.3)
                        }
                    }
                }
                return c.map(\.bitPattern)
            }
        }
    }

    /// Random bit patterns (NaNs with payloads, subnormals, infinities, huge values) at odd lengths and
    /// a misaligned start.
    @Test(arguments: [0, 1, 15, 16, 17, 255, 1000, 4099])
    func conversionsAreBitIdentical(count: Int) {
        var rng = SplitMix64(seed: UInt64(count))
        let words32 = (0..<(count + 1)).map { _ in rng.awkwardFloatBits() }
        let words16 = (0..<(count + 1)).map { _ in UInt16(truncatingIfNeeded: rng.next()) }
        let words64 = (0..<(count + 1)).map { _ in rng.next() }
        let misaligned32 = Data1(words32), misaligned16 = Data1(words16), misaligned64 = Data1(words64)
        for format in [FloatFormat.f16, .bf16, .f64, .f32] {
            let source = format == .f64 ? misaligned64 : format == .f32 ? misaligned32 : misaligned16
            expectSameBitsOnEverySet("convert from \(format), \(count)") {
                source.withMisaligned(count * format.byteWidth) { raw in
                    [Float](unsafeUninitializedCapacity: count) { out, n in
                        Kernels.convert(raw, from: format, into: out)
                        n = count
                    }.map(\.bitPattern)
                }
            }
            expectSameBitsOnEverySet("round to \(format), \(count)") {
                let floats = words32.prefix(count).map { Float(bitPattern: $0) }
                var out = [UInt8](repeating: 0, count: count * format.byteWidth + 1)
                floats.withUnsafeBufferPointer { src in
                    out.withUnsafeMutableBytes {
                        Kernels.round(src, to: format, into: UnsafeMutableRawBufferPointer(rebasing: $0[1...]))
                    }
                }
                return out
            }
        }
    }

    @Test func normsAndScalingAreBitIdentical() {
        let (rows, cols) = (19, 61)
        var rng = SplitMix64(seed: 17)
        let m = rng.doubles(rows * cols).map { $0 / 3 }
        let rowFactors = (0..<rows).map { _ in Double.random(in: 0.1..<3, using: &rng) }
        let colFactors = (0..<cols).map { _ in Double.random(in: 0.1..<3, using: &rng) }
        expectSameBitsOnEverySet("norms and scales") {
            var results: [[UInt64]] = []
            m.withUnsafeBufferPointer { results.append(Kernels.rowNorms($0, columns: cols).map(\.bitPattern)) }
            var sums = [Double](repeating: 0, count: cols)
            m.withUnsafeBufferPointer { src in
                sums.withUnsafeMutableBufferPointer { Kernels.accumulateColumnSumsOfSquares(src, columns: cols, into: $0) }
            }
            results.append(sums.map(\.bitPattern))
            var scaled = m
            scaled.withUnsafeMutableBufferPointer { buffer in
                rowFactors.withUnsafeBufferPointer { Kernels.scaleRows(buffer, columns: cols, by: $0) }
                colFactors.withUnsafeBufferPointer { Kernels.scaleColumns(buffer, columns: cols, by: $0) }
            }
            results.append(scaled.map(\.bitPattern))
            return results
        }
    }
}

extension SplitMix64 {
    /// float32 bit patterns that hit the corner cases of rounding: exact bf16 and f16 ties, the f16
    /// subnormal and overflow ranges, NaNs whose payload is only in the low bits, and plain random bits.
    mutating func awkwardFloatBits() -> UInt32 {
        let r = UInt32(truncatingIfNeeded: next())
        let sign = r & 0x8000_0000
        switch next() % 6 {
        case 0: return r & 0xFFFF_0000 | 0x8000                                    // bf16 tie
        case 1: return sign | UInt32.random(in: 103...142, using: &self) << 23 | r & 0x007F_E000 | 0x1000 // f16 tie
        case 2: return sign | UInt32.random(in: 0x3300_0000...0x3880_0000, using: &self) // f16 subnormal results
        case 3: return sign | UInt32.random(in: 0x477F_E000...0x4780_0000, using: &self) // around f16 overflow
        case 4: return sign | 0x7F80_0000 | (r & 0x1FFF | 1)                         // NaN, low payload only
        default: return r
        }
    }
}

/// Bytes of an array of words, read back from an odd address (tensor data in a file has no alignment).
struct Data1 {
    var bytes: [UInt8]
    init<T: FixedWidthInteger>(_ words: [T]) {
        bytes = [0] + words.withUnsafeBytes { Array($0) }
    }
    func withMisaligned<R>(_ count: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[1..<(1 + count)])) }
    }
}
