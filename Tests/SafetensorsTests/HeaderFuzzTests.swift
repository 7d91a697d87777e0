import LoomTesting
import Safetensors
import Testing

/// Property: ``SafetensorsHeader/parse(_:fileSize:)`` returns or throws on any bytes, never traps, and
/// whatever it accepts satisfies the format's invariants.
@Suite struct HeaderFuzzTests {
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

    static let tokens = [
        "{", "}", "[", "]", ":", ",", " ", "\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"__metadata__\"",
        "\"t\"", "\"u\"", "\"F32\"", "\"BF16\"", "\"U8\"", "\"F7\"", "0", "1", "4", "8", "-1", "2.5", "1e3",
        "9223372036854775807", "99999999999999999999", "null", "true", "\"\\u0000\"", "\u{FF}", "\n",
    ]

    /// Checks what a successful parse promises; returns false (after recording why) when it does not hold.
    static func holdsInvariants(_ header: SafetensorsHeader, fileSize: Int) -> Bool {
        var cursor = 0
        for tensor in header.tensors {
            guard tensor.dataOffsets.lowerBound == cursor,
                tensor.elementCount * tensor.dtype.byteSize == tensor.byteCount,
                tensor.shape.allSatisfy({ $0 >= 0 }),
                header.tensor(named: tensor.name) == tensor
            else {
                Issue.record("accepted a header that breaks an invariant at \(tensor)")
                return false
            }
            cursor = tensor.dataOffsets.upperBound
        }
        guard cursor == header.dataSize, header.headerByteCount + header.dataSize == fileSize else {
            Issue.record("accepted a header whose tensors do not fill the data section")
            return false
        }
        return true
    }

    static func mutate(_ bytes: [UInt8], using random: inout Generator) -> [UInt8] {
        var out = bytes
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<6, using: &random) {
            case 0 where !out.isEmpty: out[Int.random(in: 0..<out.count, using: &random)] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1 where !out.isEmpty: out[Int.random(in: 0..<out.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 2: out.removeLast(min(out.count, Int.random(in: 0...16, using: &random)))
            case 3: out += (0..<Int.random(in: 1...16, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            case 4 where out.count > 8:
                // Digits are where offsets and shapes live: swap one for another digit.
                let i = Int.random(in: 8..<out.count, using: &random)
                if (0x30...0x39).contains(out[i]) { out[i] = UInt8.random(in: 0x30...0x39, using: &random) }
            default:
                out.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...out.count, using: &random))
            }
        }
        return out
    }

    @Test func arbitraryBytesNeverTrap() throws {
        var random = Generator(state: 0x5AFE_7E45)
        let seeds: [[UInt8]] = try [
            SafetensorsLayout(tensors: [("a", .f32, [2]), ("b", .u8, [3]), ("z", .bf16, [0])], metadata: [("k", "v")]),
            SafetensorsLayout(tensors: [("w", .f16, [2, 2])]),
        ].map { $0.headerBytes + Array(repeating: 0, count: $0.fileSize - $0.headerBytes.count) }
        var accepted = 0
        var refused = 0
        for round in 0..<4_000 {
            let bytes: [UInt8]
            switch round % 3 {
            case 0:
                bytes = Self.mutate(seeds[round % seeds.count], using: &random)
            case 1:
                let text = (0..<Int.random(in: 0...24, using: &random)).map { _ in Self.tokens.randomElement(using: &random) ?? "" }.joined()
                bytes = HostileFiles.file(json: text, dataSize: Int.random(in: 0...16, using: &random))
            default:
                var raw = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                if raw.count >= 8, Bool.random(using: &random) {
                    // A plausible length field, so the text checks run too.
                    let n = UInt64.random(in: 0...UInt64(raw.count), using: &random)
                    for i in 0..<8 { raw[i] = UInt8(truncatingIfNeeded: n >> (8 * UInt64(i))) }
                }
                bytes = raw
            }
            do {
                let header = try HostileFiles.parse(bytes)
                guard Self.holdsInvariants(header, fileSize: bytes.count) else { return }
                accepted += 1
            } catch {
                #expect(!error.description.isEmpty)
                refused += 1
            }
        }
        // Both outcomes must occur, or the generator is not exercising the parser.
        #expect(accepted > 50)
        #expect(refused > 1_000)
    }
}
