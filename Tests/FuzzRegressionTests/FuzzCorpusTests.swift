import LoomTesting
import Testing

/// Every committed seed and reproducer runs through the same entry as the fuzzer, without trapping
/// (a trap would take the test process down) and without breaking a promise.
@Suite struct FuzzCorpusTests {
    @Test(arguments: FuzzFiles.all.map { FuzzInput(target: $0.0, path: $0.1) })
    func committedInputKeepsEveryPromise(_ input: FuzzInput) throws {
        let outcome = input.target.run(try FuzzFiles.bytes(input.path))
        #expect(outcome.violations.isEmpty, "\(input.path): \(outcome.violations)")
        #expect(outcome.accepted + outcome.refused > 0)
    }

    @Test(arguments: FuzzFiles.Target.allCases)
    func seedCorpusIsPresentAndSmall(_ target: FuzzFiles.Target) throws {
        let seeds = FuzzFiles.files("corpus", target)
        #expect(seeds.count >= 10, "Scripts/fuzz-seeds.sh makes one seed per fixture")
        for seed in seeds {
            #expect(try FuzzFiles.bytes(seed).count <= 64 * 1024, "\(seed) is larger than 64 KiB")
        }
    }

    /// Seeds meant to be refused: hostile by construction (hand-written), or a fixture whose header is broken.
    static let refusedSeeds = ["handmade-deep-nesting", "handmade-large-offsets", "bad_header-overflow"]

    /// Header-only seeds still reach the accepting path: the entry learns the file size the header
    /// asks for from the refusal at the seed's own length.
    @Test func headerSeedsOfValidFilesAreAccepted() throws {
        for seed in FuzzFiles.files("corpus", .safetensorsHeader) where !Self.refusedSeeds.contains(where: seed.contains) {
            let outcome = FuzzFiles.Target.safetensorsHeader.run(try FuzzFiles.bytes(seed))
            #expect(outcome.accepted >= 1, "\(seed) is never accepted")
        }
    }

    /// Every seed config but the hostile one parses, and the corpus as a whole reaches an accepted analysis and plan.
    @Test func configSeedsParseAndReachThePlanner() throws {
        var analysed = 0
        for seed in FuzzFiles.files("corpus", .adapterConfig) where !Self.refusedSeeds.contains(where: seed.contains) {
            let outcome = FuzzFiles.Target.adapterConfig.run(try FuzzFiles.bytes(seed))
            #expect(outcome.accepted >= 1, "\(seed) does not parse")
            analysed += outcome.accepted - 1
        }
        #expect(analysed > 0, "no seed config validates against a synthetic base")
    }
}

/// One committed file and the target it belongs to; prints as its path in test output.
struct FuzzInput: Sendable, CustomTestStringConvertible {
    let target: FuzzFiles.Target
    let path: String
    var testDescription: String { path }
}
