import Testing
@testable import Merge

@Suite struct KernelFinitenessTests {
    /// Lengths around the 256-element chunk the vector scan tests at once, and the vector widths.
    static let lengths = [1, 7, 16, 31, 255, 256, 257, 600, 1025]

    @Test(arguments: lengths)
    func findsTheFirstNonFiniteF32(length: Int) {
        for position in Set([0, length / 2, length - 1, max(0, length - 3)]) {
            for bad in [Float.nan, .infinity, -.infinity, Float(bitPattern: 0x7F80_0001)] {
                var values = [Float](repeating: 1.5, count: length)
                values[position] = bad
                if position + 2 < length { values[position + 2] = .nan } // a later one must not win
                for isa in InstructionSet.allCases where isa.isSupported {
                    let found = Kernels.withInstructionSet(isa) { values.withUnsafeBufferPointer { Kernels.firstNonFinite(in: $0) } }
                    #expect(found == position, "\(isa): length \(length), \(bad) at \(position)")
                }
            }
        }
    }

    @Test(arguments: lengths)
    func allFiniteGivesNil(length: Int) {
        let values = (0..<length).map { Float($0) * 1e30 } + [.greatestFiniteMagnitude, -.greatestFiniteMagnitude]
        for isa in InstructionSet.allCases where isa.isSupported {
            Kernels.withInstructionSet(isa) {
                values.withUnsafeBufferPointer { #expect(Kernels.firstNonFinite(in: $0) == nil) }
                var half = [UInt8](repeating: 0, count: values.count * 2)
                values.withUnsafeBufferPointer { src in half.withUnsafeMutableBytes { Kernels.round(src, to: .bf16, into: $0) } }
                // bf16 of greatestFiniteMagnitude overflows to Inf: the last two are the only ones found.
                #expect(half.withUnsafeBytes { Kernels.firstNonFinite(in: $0, format: .bf16) } == length)
            }
        }
    }

    /// 65520 is finite in f32 and becomes Inf in f16: the scan of the output finds it.
    @Test(arguments: lengths)
    func findsF16OverflowAfterConversion(length: Int) {
        var values = (0..<length).map { Float($0 % 60_000) }
        values[length - 1] = 65520
        if length > 4 { values[length / 3] = -70000 }
        let expected = length > 4 ? length / 3 : length - 1
        for isa in InstructionSet.allCases where isa.isSupported {
            Kernels.withInstructionSet(isa) {
                #expect(values.withUnsafeBufferPointer { Kernels.firstNonFinite(in: $0) } == nil)
                var out = [UInt8](repeating: 0, count: length * 2)
                values.withUnsafeBufferPointer { src in out.withUnsafeMutableBytes { Kernels.round(src, to: .f16, into: $0) } }
                #expect(out.withUnsafeBytes { Kernels.firstNonFinite(in: $0, format: .f16) } == expected, "\(isa)")
            }
        }
    }

    @Test func scansF64() {
        var values = [Double](repeating: 2, count: 10)
        #expect(values.withUnsafeBytes { Kernels.firstNonFinite(in: $0, format: .f64) } == nil)
        values[7] = -.infinity
        #expect(values.withUnsafeBytes { Kernels.firstNonFinite(in: $0, format: .f64) } == 7)
    }
}
