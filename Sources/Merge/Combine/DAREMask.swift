/// DARE's Bernoulli(density) keep-mask for one adapter's delta on one tensor, from a counter-based
/// generator: element `j` is kept when `u(j) < density`, with
///
/// ```
/// stream = splitmix64(fnv1a64(digest ‖ 0x00 ‖ tensor name) ^ splitmix64(seed))
/// u(j)   = (splitmix64(stream &+ (j + 1) · 0x9E3779B97F4A7C15) >> 11) · 2⁻⁵³
/// ```
///
/// where `splitmix64(z)` is SplitMix64's output function (Steele, Lea and Flood 2014: xor-shift 30,
/// × 0xBF58476D1CE4E5B9, xor-shift 27, × 0x94D049BB133111EB, xor-shift 31). Each element depends only
/// on (seed, adapter manifest digest, tensor name, flat index): the same bits on every machine, in any
/// order of work or blocking. It cannot match PyTorch's RNG (spec §5.4). Immutable; `Sendable`.
public struct DAREMask: Sendable {
    public let stream: UInt64
    public let density: Double

    public init(seed: UInt64, digest: String, tensor: String, density: Double) {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in Array(digest.utf8) + [0] + Array(tensor.utf8) {
            h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        stream = Self.mix(h ^ Self.mix(seed))
        self.density = density
    }

    /// SplitMix64's output function.
    @inline(__always)
    public static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// The uniform draw in [0, 1) for flat element `index`.
    @inline(__always)
    public func uniform(_ index: Int) -> Double {
        let z = Self.mix(stream &+ (UInt64(index) &+ 1) &* 0x9E37_79B9_7F4A_7C15)
        return Double(z >> 11) * 0x1p-53
    }

    /// Whether flat element `index` is kept.
    @inline(__always)
    public func keeps(_ index: Int) -> Bool { uniform(index) < density }
}
