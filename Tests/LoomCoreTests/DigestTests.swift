import LoomCore
import Testing

@Suite struct DigestTests {
    static let abc = "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

    @Test func hashingMatchesTheStandardVector() {
        let digest = Digest(hashing: Array("abc".utf8))
        #expect(digest.description == Self.abc)
        #expect(digest.hex == String(Self.abc.dropFirst(7)))
        #expect(digest.short == "ba7816bf8f01")
        #expect(digest.bytes.count == 32 && digest.bytes.first == 0xba && digest.bytes.last == 0xad)
    }

    @Test func parsingRoundTrips() throws {
        let digest = try #require(Digest(parsing: Self.abc))
        #expect(digest == Digest(hashing: Array("abc".utf8)))
        #expect(Digest(parsing: digest.description) == digest)
    }

    @Test(arguments: [
        "", "sha256:", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD",
        "sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0",
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ag",
        " sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    ])
    func parsingRejectsAnythingButCanonicalText(text: String) {
        #expect(Digest(parsing: text) == nil)
    }

    @Test func orderFollowsTheHexText() {
        let digests = (0..<50).map { Digest(hashing: [UInt8($0)]) }
        #expect(digests.sorted().map(\.hex) == digests.map(\.hex).sorted())
    }

    @Test func rawBufferAndSequenceHashAlike() {
        let bytes: [UInt8] = Array(0..<200)
        let fromBuffer = bytes.withUnsafeBytes { Digest(hashing: $0) }
        #expect(fromBuffer == Digest(hashing: bytes))
        #expect(Digest(hashing: bytes.lazy.map { $0 }) == fromBuffer)
    }
}
