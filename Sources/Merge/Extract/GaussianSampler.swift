#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard normal samples from a counter-based generator: sample `i` of seed `s` depends only on `(s, i)`,
/// so the same seed gives the same numbers on every machine, whatever the order they are drawn in.
///
/// SplitMix64 of `seed ⊕ counter` feeds a Box–Muller transform. A value type; `Sendable`.
struct GaussianSampler: Sendable {
    let seed: UInt64

    /// `count` samples, starting at counter `offset`.
    func samples(_ count: Int, offset: UInt64 = 0) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        var i = 0
        while i < count {
            let pair = UInt64(i / 2) &+ offset
            let u1 = Self.unit(Self.mix(seed &+ 0x9E37_79B9_7F4A_7C15 &* (2 &* pair &+ 1)))
            let u2 = Self.unit(Self.mix(seed &+ 0x9E37_79B9_7F4A_7C15 &* (2 &* pair &+ 2)))
            // Box–Muller: u1 in (0, 1] so the logarithm is finite.
            let radius = (-2 * log(u1)).squareRoot()
            out[i] = radius * cos(2 * Double.pi * u2)
            if i + 1 < count { out[i + 1] = radius * sin(2 * Double.pi * u2) }
            i += 2
        }
        return out
    }

    /// SplitMix64's finalizer.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The top 53 bits as a double in (0, 1].
    static func unit(_ x: UInt64) -> Double {
        Double((x >> 11) + 1) * 0x1p-53
    }
}
