import LoomTesting
import Testing

/// A few thousand seeded mutations of each seed corpus, through the same entries as the fuzzer: a
/// short, deterministic stand-in for the long fuzz run that CI does not do.
@Suite struct FuzzMutationTests {
    /// SplitMix64: small, seeded, the same sequence on every machine.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Mutations per target, and the time after which a slow (debug, loaded) machine stops early.
    static let rounds = 3_000
    static let budget = Duration.seconds(2)

    /// The entries of a libFuzzer dictionary file: each `"…"` line, with `\\`, `\"` and `\xHH` decoded.
    static func dictionary(_ target: FuzzFiles.Target) throws -> [[UInt8]] {
        let text = String(decoding: try FuzzFiles.bytes(target.rawValue + ".dict"), as: UTF8.self)
        return text.split(separator: "\n").compactMap { line -> [UInt8]? in
            guard line.first == "\"", line.last == "\"", line.count >= 2 else { return nil }
            var bytes: [UInt8] = []
            var input = Array(line.utf8.dropFirst().dropLast())[...]
            while let b = input.popFirst() {
                guard b == UInt8(ascii: "\\"), let next = input.popFirst() else {
                    bytes.append(b)
                    continue
                }
                if next == UInt8(ascii: "x"), input.count >= 2, let v = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16) {
                    bytes.append(v)
                    input = input.dropFirst(2)
                } else {
                    bytes.append(next)
                }
            }
            return bytes
        }
    }

    /// One to four edits: flip a bit, set a byte, cut the tail, insert a dictionary token, duplicate
    /// a slice, or swap a digit for another (offsets, shapes and ranks are digits).
    static func mutate(_ seed: [UInt8], tokens: [[UInt8]], using random: inout Generator) -> [UInt8] {
        var out = seed
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let at = Int.random(in: 0...out.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where at < out.count: out[at] ^= 1 << UInt8.random(in: 0..<8, using: &random)
            case 1 where at < out.count: out[at] = UInt8.random(in: 0...255, using: &random)
            case 2: out.removeLast(min(out.count - at, Int.random(in: 0...64, using: &random)))
            case 3: out.insert(contentsOf: tokens.randomElement(using: &random) ?? [], at: at)
            case 4 where at < out.count:
                let slice = out[at..<min(out.count, at + Int.random(in: 1...32, using: &random))]
                out.insert(contentsOf: slice, at: Int.random(in: 0...out.count, using: &random))
            default:
                if let digit = out.indices.dropFirst(at).first(where: { (0x30...0x39).contains(out[$0]) }) {
                    out[digit] = UInt8.random(in: 0x30...0x39, using: &random)
                }
            }
        }
        return out
    }

    @Test(arguments: FuzzFiles.Target.allCases)
    func seededMutationsKeepEveryPromise(_ target: FuzzFiles.Target) throws {
        let seeds = try FuzzFiles.files("corpus", target).map(FuzzFiles.bytes)
        let tokens = try Self.dictionary(target)
        try #require(!seeds.isEmpty && !tokens.isEmpty)
        var random = Generator(state: 0x10_0F_A5_5E_ED)
        let clock = ContinuousClock()
        let deadline = clock.now + Self.budget
        var ran = 0
        var outcomes = FuzzOutcome()
        while ran < Self.rounds, clock.now < deadline {
            let input = Self.mutate(seeds[ran % seeds.count], tokens: tokens, using: &random)
            let outcome = target.run(input)
            outcomes.accepted += outcome.accepted
            outcomes.refused += outcome.refused
            if !outcome.violations.isEmpty {
                Issue.record("mutation \(ran) (\(input.count) bytes, seed \(ran % seeds.count)): \(outcome.violations)")
            }
            ran += 1
        }
        #expect(ran >= 200, "only \(ran) mutations ran within \(Self.budget)")
        #expect(outcomes.accepted > 0 && outcomes.refused > 0, "mutations should reach both the accepting and refusing paths")
    }
}
