import Testing
@testable import Merge

/// float64 to and from the storage formats: widening is exact, and narrowing rounds **once** (a float64
/// rounded to float32 and then to bf16 or f16 would round twice), identically on every variant.
@Suite struct KernelFloat64RoundingTests {
    /// The correctly rounded 16-bit pattern of `x` (finite, within range), found by comparing the
    /// candidates next to a first guess in float64 arithmetic; ties go to the even pattern.
    static func nearest(_ x: Double, _ format: FloatFormat) -> UInt16 {
        let guess = format == .bf16 ? Kernels.bf16Bits(Float(x)) : Kernels.f16Bits(Float(x))
        let sign = guess & 0x8000, magnitude = Int(guess & 0x7FFF)
        func value(_ m: Int) -> Double {
            let bits = sign | UInt16(m)
            return Double(format == .bf16 ? Kernels.float(bf16Bits: bits) : Kernels.float(f16Bits: bits))
        }
        var best = magnitude
        for m in [magnitude - 1, magnitude + 1] where m >= 0 {
            let d = abs(value(m) - x), e = abs(value(best) - x)
            if d < e || (d == e && m % 2 == 0) { best = m }
        }
        return sign | UInt16(best)
    }

    static func round(_ values: [Double], _ format: FloatFormat) -> [UInt16] {
        var out = [UInt16](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { src in out.withUnsafeMutableBytes { Kernels.round(src, to: format, into: $0) } }
        return out
    }

    /// Values just past a 16-bit tie: rounding to float32 first lands exactly on the tie, and ties-to-even
    /// then goes the wrong way.
    @Test func valuesJustPastATieRoundOnce() {
        for isa in InstructionSet.allCases where isa.isSupported {
            Kernels.withInstructionSet(isa) {
                let bf = [1 + 0x1p-8 + 0x1p-40, -(1 + 0x1p-8 + 0x1p-40), 0x1p-130 * (1 + 0x1p-8 + 0x1p-45)]
                #expect(Self.round(bf, .bf16) == bf.map { Self.nearest($0, .bf16) }, "\(isa)")
                #expect(Self.round([1 + 0x1p-8 + 0x1p-40], .bf16) == [0x3F81], "\(isa): 1 + 2⁻⁸ + ε rounds up")
                let h = [1 + 0x1p-11 + 0x1p-40, 0x1p-20 * (1 + 0x1p-4 + 0x1p-40), 65519.99]
                #expect(Self.round(h, .f16) == h.map { Self.nearest($0, .f16) }, "\(isa)")
                #expect(Self.round([1 + 0x1p-11 + 0x1p-40], .f16) == [0x3C01], "\(isa): 1 + 2⁻¹¹ + ε rounds up")
                #expect(Self.round([65520, -1e300, .infinity], .f16) == [0x7C00, 0xFC00, 0x7C00], "\(isa): overflow")
                #expect(Self.round([0x1.FFp127, 1e300, 0x1p-200, -0.0], .bf16) == [0x7F80, 0x7F80, 0, 0x8000], "\(isa)")
            }
        }
    }

    /// Random doubles over the whole range of each format, subnormals included, at odd lengths.
    @Test(arguments: [FloatFormat.bf16, .f16], [1, 17, 1000])
    func randomValuesAreCorrectlyRounded(format: FloatFormat, count: Int) {
        var rng = SplitMix64(seed: UInt64(count) &* 31 &+ (format == .bf16 ? 1 : 2))
        let exponents = format == .bf16 ? -133...126 : -25...14
        let values = (0..<count).map { _ in
            Double(sign: rng.next() % 2 == 0 ? .plus : .minus, exponent: Int.random(in: exponents, using: &rng),
                   significand: Double.random(in: 1..<2, using: &rng))
        }
        let expected = values.map { Self.nearest($0, format) }
        for isa in InstructionSet.allCases where isa.isSupported {
            let got = Kernels.withInstructionSet(isa) { Self.round(values, format) }
            let wrong = zip(values, zip(got, expected)).filter { $1.0 != $1.1 }.prefix(3)
            #expect(wrong.isEmpty, "\(isa): \(wrong.map { "\($0.0) gave \($0.1.0), want \($0.1.1)" })")
        }
    }

    /// Widening to float64 and rounding from it give the portable bits on every variant, NaNs included,
    /// from a misaligned address.
    @Test(arguments: [0, 1, 15, 16, 17, 255, 1000, 4099])
    func conversionsThroughFloat64AreBitIdentical(count: Int) {
        var rng = SplitMix64(seed: UInt64(count) + 77)
        let words16 = (0..<(count + 1)).map { _ in UInt16(truncatingIfNeeded: rng.next()) }
        let words32 = (0..<(count + 1)).map { _ in rng.awkwardFloatBits() }
        let doubles = (0..<count).map { i -> Double in
            // Awkward float32 values with low bits below float32 precision, and some raw bit patterns.
            i % 5 == 4 ? Double(bitPattern: rng.next()) : Double(Float(bitPattern: words32[i])) * (1 + 0x1p-30)
        }
        let sources: [(FloatFormat, Data1)] = [(.bf16, Data1(words16)), (.f16, Data1(words16)), (.f32, Data1(words32))]
        for (format, source) in sources {
            let reference = Kernels.withInstructionSet(.portable) { widen(source, format, count) }
            for isa in KernelInstructionSetTests.vectorSets where isa.isSupported {
                #expect(Kernels.withInstructionSet(isa) { widen(source, format, count) } == reference, "widen \(format), \(isa)")
            }
        }
        for format in [FloatFormat.bf16, .f16, .f32] {
            let reference = Kernels.withInstructionSet(.portable) { narrow(doubles, format) }
            for isa in KernelInstructionSetTests.vectorSets where isa.isSupported {
                #expect(Kernels.withInstructionSet(isa) { narrow(doubles, format) } == reference, "round to \(format), \(isa)")
            }
        }
    }

    private func widen(_ source: Data1, _ format: FloatFormat, _ count: Int) -> [UInt64] {
        source.withMisaligned(count * format.byteWidth) { raw in
            [Double](unsafeUninitializedCapacity: count) { out, n in
                Kernels.convert(raw, from: format, into: out)
                n = count
            }.map(\.bitPattern)
        }
    }

    private func narrow(_ values: [Double], _ format: FloatFormat) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * format.byteWidth + 1)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBytes { Kernels.round(src, to: format, into: UnsafeMutableRawBufferPointer(rebasing: $0[1...])) }
        }
        return out
    }

    /// Widening is exact: every bf16 and f16 pattern widens to the float64 of its float32 value.
    @Test func wideningIsExact() {
        let all = (0...UInt16.max).map { $0 }
        var bf = [Double](repeating: 0, count: all.count), h = bf
        all.withUnsafeBytes { raw in
            bf.withUnsafeMutableBufferPointer { Kernels.convert(raw, from: .bf16, into: $0) }
            h.withUnsafeMutableBufferPointer { Kernels.convert(raw, from: .f16, into: $0) }
        }
        for bits in all {
            let b = Double(Kernels.float(bf16Bits: bits)), f = Double(Kernels.float(f16Bits: bits))
            #expect(bf[Int(bits)].bitPattern == b.bitPattern || (b.isNaN && bf[Int(bits)].isNaN))
            #expect(h[Int(bits)].bitPattern == f.bitPattern || (f.isNaN && h[Int(bits)].isNaN))
        }
    }
}
