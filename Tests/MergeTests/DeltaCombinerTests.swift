import Testing

@testable import Merge

/// §10.1's primitives on small hand-made deltas: top-k with the lower index winning ties, TIES's sign
/// election and disjoint mean, and the DARE masks' generator (values from an independent Python
/// implementation of the documented formula, so the bytes are pinned on every machine).
@Suite struct DeltaCombinerTests {
    @Test func keptCountTruncatesLikePythonInt() {
        #expect(DeltaCombiner.keptCount(density: 0.3, count: 10) == 3)
        #expect(DeltaCombiner.keptCount(density: 0.29, count: 100) == 28)  // 0.29 · 100 = 28.999999999999996
        #expect(DeltaCombiner.keptCount(density: 1, count: 7) == 7)
    }

    @Test func magnitudePruneKeepsTheLargestAndTheLowerIndexOnTies() {
        var d: [Double] = [1, -3, 2, -2, 2, 0.5]
        DeltaCombiner.magnitudePrune(&d, density: 0.5)  // k = 3: -3, then two of the three |2|: indices 2 and 3
        #expect(d == [0, -3, 2, -2, 0, 0])
        var all: [Double] = [1, 2]
        DeltaCombiner.magnitudePrune(&all, density: 1)
        #expect(all == [1, 2])
        var none: [Double] = [1, 2, 3]
        DeltaCombiner.magnitudePrune(&none, density: 0.3)  // int(0.9) = 0
        #expect(none == [0, 0, 0])
    }

    @Test func tiesElectsOnTheUnweightedStackAndAveragesTheAgreeing() throws {
        let total = try CombineOptions(method: .ties, density: 1, majoritySign: .total)
        let frequency = try CombineOptions(method: .ties, density: 1, majoritySign: .frequency)
        // Element 0: +1, +1, -3 → total -1 (elected -), frequency +1 (elected +).
        // Element 1: 0, 0, 0 → elected + (0 counts as +1), nothing agrees: 0.
        // Element 2: 2, -2, 0 → total 0 → +; only the first agrees: 0.5·2 / 1.
        let deltas: [[Double]] = [[1, 0, 2], [1, 0, -2], [-3, 0, 0]]
        let w: [Double] = [0.5, 2, 1]
        func combine(_ options: CombineOptions) -> [Double] {
            var d = deltas
            return DeltaCombiner.combine(&d, weights: w, options: options, masks: [])
        }
        #expect(combine(total) == [-3, 0, 1])
        #expect(combine(frequency) == [(0.5 + 2) / 2, 0, 1])
        #expect(combine(try CombineOptions(method: .magnitudePrune, density: 1)) == [-0.5, 0, -3])
    }

    @Test func dareMaskIsTheDocumentedCounterBasedGenerator() {
        let mask = DAREMask(seed: 7, digest: "sha256:00", tensor: "w", density: 0.5)
        #expect(mask.stream == 0x771B_D987_2F1C_AAEF)
        #expect(mask.uniform(0) == Double(1_693_181_190_728_733) * 0x1p-53)
        #expect(mask.uniform(1) == Double(4_088_920_449_180_343) * 0x1p-53)
        #expect(mask.uniform(2) == Double(8_910_349_268_591_074) * 0x1p-53)
        #expect(mask.uniform(1000) == Double(710_042_252_725_921) * 0x1p-53)
        #expect(mask.keeps(0) && mask.keeps(1) && !mask.keeps(2))
        var d: [Double] = [1, 1, 1]
        DeltaCombiner.randomPrune(&d, mask: mask)
        #expect(d == [2, 2, 0])
        #expect(DAREMask(seed: 8, digest: "sha256:00", tensor: "w", density: 0.5).stream != mask.stream)
        #expect(DAREMask(seed: 7, digest: "sha256:01", tensor: "w", density: 0.5).stream != mask.stream)
        #expect(DAREMask(seed: 7, digest: "sha256:00", tensor: "v", density: 0.5).stream != mask.stream)
    }

    @Test func optionsRefuseWhatTheMethodDoesNotUse() throws {
        #expect(throws: MergeError.self) { try CombineOptions(method: .ties) }
        #expect(throws: MergeError.self) { try CombineOptions(method: .ties, density: 0) }
        #expect(throws: MergeError.self) { try CombineOptions(method: .ties, density: 1.0000001) }
        #expect(throws: MergeError.self) { try CombineOptions(method: .linear, density: 0.5) }
        #expect(throws: MergeError.self) { try CombineOptions(method: .ties, density: 0.5, seed: 1) }
        #expect(throws: MergeError.self) { try CombineOptions(method: .dareLinear, density: 0.5, majoritySign: .total) }
        let dare = try CombineOptions(method: .dareTies, density: 0.5)
        #expect(dare.seed == 0 && dare.majoritySign == .total)
        #expect(try CombineOptions(method: .linear) == .linear)
    }
}
