import Testing
@testable import Merge

/// dtype conversions: IEEE round-to-nearest-even tables, full round trips, and agreement with Swift.
@Suite struct ConversionTests {
    /// Rounds `x` under every supported instruction set, alone (the scalar path) and repeated 37 times
    /// (the vector path plus a tail), and expects `expected` everywhere.
    private func expectRounding(_ x: Float, to format: FloatFormat, gives expected: UInt16) {
        for isa in InstructionSet.allCases where isa.isSupported {
            for count in [1, 37] {
                let input = [Float](repeating: x, count: count)
                var out = [UInt16](repeating: 0, count: count)
                Kernels.withInstructionSet(isa) {
                    input.withUnsafeBufferPointer { src in out.withUnsafeMutableBytes { Kernels.round(src, to: format, into: $0) } }
                }
                #expect(out.allSatisfy { $0 == expected },
                        "\(isa), \(count)×: 0x\(String(x.bitPattern, radix: 16)) gave 0x\(String(out[0], radix: 16))")
            }
        }
    }

    @Test(arguments: [
        (UInt32(0x3F80_8000), UInt16(0x3F80)),  // halfway, lower neighbour even: down
        (0x3F81_8000, 0x3F82),                  // halfway, lower neighbour odd: up
        (0x3F80_8001, 0x3F81),                  // just above halfway
        (0x3F80_7FFF, 0x3F80),                  // just below halfway
        (0xBF81_8000, 0xBF82),                  // negative ties
        (0x0000_8000, 0x0000),                  // subnormal tie to even (zero)
        (0x0001_8000, 0x0002),                  // subnormal tie to even (up)
        (0x0000_8001, 0x0001),
        (0x7F7F_0000, 0x7F7F),                  // bf16 max stays
        (0x7F7F_7FFF, 0x7F7F),                  // below the overflow threshold
        (0x7F7F_8000, 0x7F80),                  // halfway to 2^128: odd, rounds to Inf
        (0x7F7F_FFFF, 0x7F80),                  // Float.greatestFiniteMagnitude overflows
        (0xFF7F_FFFF, 0xFF80),
        (0x7F80_0000, 0x7F80), (0xFF80_0000, 0xFF80), // ±Inf
        (0x8000_0000, 0x8000),                  // -0
        (0x7FC0_0000, 0x7FC0),                  // quiet NaN
        (0x7F80_0001, 0x7FC0),                  // signalling NaN, payload only in the low bits: quiet NaN, not Inf
        (0xFF81_0000, 0xFFC1),                  // signalling NaN: quieted, sign and payload top kept
        (0x7FFF_FFFF, 0x7FFF),                  // NaN with all payload bits: must not carry into the sign
    ])
    func f32ToBF16RoundsToNearestEven(input: UInt32, expected: UInt16) {
        expectRounding(Float(bitPattern: input), to: .bf16, gives: expected)
        #expect(Kernels.bf16Bits(Float(bitPattern: input)) == expected)
    }

    static let f16Cases: [(Float, UInt16)] = [
        (65520, 0x7C00),                        // halfway between 65504 and 2^16: odd, rounds to Inf
        (65519, 0x7BFF),                        // 65504
        (65504, 0x7BFF),
        (-65520, 0xFC00),
        (Float.greatestFiniteMagnitude, 0x7C00),
        (0x1p-24, 0x0001),                      // smallest subnormal
        (0x1p-25, 0x0000),                      // half of it: tie to even zero
        (Float(0x1p-25).nextUp as Float, 0x0001), // just above half
        (0x1p-26, 0x0000),
        (3 * 0x1p-25, 0x0002),                  // 1.5 units: tie to even 2
        (5 * 0x1p-25, 0x0002),                  // 2.5 units: tie to even 2
        (7 * 0x1p-25, 0x0004),                  // 3.5 units: tie to even 4
        (-0x1p-24, 0x8001),
        (0x1p-14, 0x0400),                      // smallest normal
        (0x1p-14 - 0x1p-25, 0x0400),            // halfway between largest subnormal and smallest normal: even is 0x400
        (0x1p-14 - 0x1p-24, 0x03FF),            // largest subnormal
        (1 + 0x1p-11, 0x3C00),                  // halfway above 1: tie to even
        (1 + 3 * 0x1p-11, 0x3C02),              // halfway, odd lower neighbour: up
        (1 + 0x1p-11 + 0x1p-23, 0x3C01),
        (2047, 0x67FF), (2049, 0x6800),         // 2049 is halfway between 2048 and 2050: even (2048)
        (-0.0, 0x8000), (0, 0),
        (.infinity, 0x7C00), (-.infinity, 0xFC00),
        (Float(bitPattern: 0x7F80_0001), 0x7E00), // signalling NaN with a low payload: quiet NaN, not Inf
        (Float(bitPattern: 0x7F80_2000), 0x7E01), // payload top bits kept, quiet bit set
        (Float(bitPattern: 0xFFC0_0000), 0xFE00),
    ]

    @Test(arguments: f16Cases)
    func f32ToF16RoundsToNearestEven(input: Float, expected: UInt16) {
        expectRounding(input, to: .f16, gives: expected)
        #expect(Kernels.f16Bits(input) == expected)
    }

    /// Every f16 pattern widens exactly and narrows back to itself; a signalling NaN comes back quieted.
    @Test(arguments: InstructionSet.allCases.filter(\.isSupported))
    func everyF16PatternRoundTrips(isa: InstructionSet) {
        let patterns = (0...UInt16.max).map { $0 }
        let (widened, back) = Kernels.withInstructionSet(isa) { roundTrip(patterns, .f16) }
        for h in patterns {
            let w = widened[Int(h)], swift = Float(Float16(bitPattern: h))
            let isNaN = h & 0x7C00 == 0x7C00 && h & 0x03FF != 0
            if isNaN {
                #expect(w.isNaN && w.bitPattern == swift.bitPattern | 0x0040_0000, "f16 0x\(String(h, radix: 16))")
                #expect(back[Int(h)] == h | 0x0200)
            } else {
                #expect(w.bitPattern == swift.bitPattern, "f16 0x\(String(h, radix: 16))")
                #expect(back[Int(h)] == h, "f16 0x\(String(h, radix: 16)) came back as 0x\(String(back[Int(h)], radix: 16))")
            }
        }
    }

    @Test(arguments: InstructionSet.allCases.filter(\.isSupported))
    func everyBF16PatternRoundTrips(isa: InstructionSet) {
        let patterns = (0...UInt16.max).map { $0 }
        let (widened, back) = Kernels.withInstructionSet(isa) { roundTrip(patterns, .bf16) }
        for h in patterns {
            let isNaN = h & 0x7F80 == 0x7F80 && h & 0x007F != 0
            let expected = UInt32(h) << 16 | (isNaN ? 0x0040_0000 : 0)
            #expect(widened[Int(h)].bitPattern == expected, "bf16 0x\(String(h, radix: 16))")
            #expect(back[Int(h)] == h | (isNaN ? 0x0040 : 0), "bf16 0x\(String(h, radix: 16))")
        }
    }

    /// Swift's own `Float16(x)` (a correct but slow libcall at the default target) on random floats:
    /// values around the f16 range, and arbitrary bit patterns.
    @Test(arguments: InstructionSet.allCases.filter(\.isSupported))
    func f32ToF16AgreesWithSwiftFloat16(isa: InstructionSet) {
        var rng = SplitMix64(seed: 2024)
        let nearRange = (0..<60_000).map { _ in
            Float(sign: Bool.random(using: &rng) ? .minus : .plus,
                  exponent: Int.random(in: -27...17, using: &rng),
                  significand: Float.random(in: 1..<2, using: &rng))
        }
        let anyBits = (0..<40_000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: rng.next())) }
        let inputs = nearRange + anyBits
        var out = [UInt16](repeating: 0, count: inputs.count)
        Kernels.withInstructionSet(isa) {
            inputs.withUnsafeBufferPointer { src in out.withUnsafeMutableBytes { Kernels.round(src, to: .f16, into: $0) } }
        }
        var mismatches = 0
        for (x, h) in zip(inputs, out) where Float16(x).bitPattern != h {
            mismatches += 1
            if mismatches <= 5 { Issue.record("\(x) (0x\(String(x.bitPattern, radix: 16))): 0x\(String(h, radix: 16)) vs Swift 0x\(String(Float16(x).bitPattern, radix: 16))") }
        }
        #expect(mismatches == 0)
    }

    @Test func f64AndF32ConvertLikeSwift() {
        var rng = SplitMix64(seed: 64)
        let doubles = (0..<5_000).map { _ in Double(bitPattern: rng.next()) }
            + (0..<5_000).map { _ in Double.random(in: -1e-30...1e-30, using: &rng) }
            + [0x1.FFFFFFp127, 0x1.FFFFFEFp127, -0x1p-150, 0x1.8p-149, -0.0, .infinity]
        var floats = [Float](repeating: 0, count: doubles.count)
        doubles.withUnsafeBytes { src in floats.withUnsafeMutableBufferPointer { Kernels.convert(src, from: .f64, into: $0) } }
        for (d, f) in zip(doubles, floats) {
            #expect(f.bitPattern == Float(d).bitPattern || (f.isNaN && Float(d).isNaN), "\(d)")
        }
        var wide = [Double](repeating: 0, count: floats.count)
        floats.withUnsafeBufferPointer { src in wide.withUnsafeMutableBytes { Kernels.round(src, to: .f64, into: $0) } }
        for (f, d) in zip(floats, wide) { #expect(d.bitPattern == Double(f).bitPattern || (f.isNaN && d.isNaN)) }
    }

    @Test func f32CopyKeepsEveryBit() {
        let words: [UInt32] = [0x7F80_0001, 0xFFFF_FFFF, 0x8000_0000, 1, 0x3F80_0000]
        var out = [Float](repeating: 0, count: words.count)
        words.withUnsafeBytes { src in out.withUnsafeMutableBufferPointer { Kernels.convert(src, from: .f32, into: $0) } }
        #expect(out.map(\.bitPattern) == words)
    }

    private func roundTrip(_ patterns: [UInt16], _ format: FloatFormat) -> ([Float], [UInt16]) {
        var widened = [Float](repeating: 0, count: patterns.count)
        patterns.withUnsafeBytes { src in widened.withUnsafeMutableBufferPointer { Kernels.convert(src, from: format, into: $0) } }
        var back = [UInt16](repeating: 0, count: patterns.count)
        widened.withUnsafeBufferPointer { src in back.withUnsafeMutableBytes { Kernels.round(src, to: format, into: $0) } }
        return (widened, back)
    }
}
