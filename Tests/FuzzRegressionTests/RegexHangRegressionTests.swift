import LoomTesting
import Merge
import Testing

/// The hangs fuzzing found in `adapter_config.json` regexes (catastrophic backtracking in Swift's
/// `Regex` on names that do not match) are now refused when the config is analysed, quickly and naming
/// the field, instead of running for minutes.
@Suite struct RegexHangRegressionTests {
    /// Reproducer → the config field its message must name.
    static let reproducers = [
        ("timeout-feedforward-star-of-star", "feedforward_modules regex"),  // found by libFuzzer (-timeout=10)
        ("hang-target-star-of-star", "target_modules regex"),
        ("hang-target-overlapping-alternation", "target_modules regex"),
        ("hang-target-nested-word-repeat", "target_modules regex"),
        ("refused-rank-pattern-four-stars", "rank_pattern key regex"),
        ("refused-exclude-many-paths", "exclude_modules regex"),
    ]

    @Test(arguments: reproducers)
    func pathologicalRegexIsRefusedQuickly(_ name: String, _ field: String) throws {
        let config = try AdapterConfig.parse(try FuzzFiles.bytes("regressions/adapter-config/" + name))
        let clock = ContinuousClock()
        let start = clock.now
        for base in SyntheticBase.all {
            let tensors = base.adapterTensors(for: config, variant: 0)
            let error = #expect(throws: MergeError.self) { try AdapterAnalysis(config: config, tensors: tensors, base: base.model) }
            #expect(error?.kind == .unsupported)
            #expect(error?.message.contains(field) == true, "\(error?.message ?? "")")
        }
        #expect(clock.now - start < .seconds(1))
    }
}
