import LoomJSON
import Testing

@testable import Merge

/// Regexes from configs are bounded before Swift's backtracking `Regex` sees them: real PEFT patterns
/// pass, patterns with exponential or high-degree polynomial matching time are refused by name.
@Suite struct RegexLimitsTests {
    static func problem(_ pattern: String, reserved: Int = 1) -> String? {
        do {
            try RegexLimits.check(pattern, field: "target_modules", reserved: reserved)
            return nil
        } catch {
            #expect(error.kind == .unsupported && error.message.contains("target_modules regex"))
            return error.message
        }
    }

    @Test(arguments: [
        ".*\\.(q|v)_proj", ".*decoder.*(SelfAttention|EncDecAttention).*(q|v)$", "^(?!.*vision).*(q_proj|k_proj|v_proj|o_proj)$",
        "model\\.layers\\.(\\d|1\\d|2[0-3])\\.self_attn\\.(q|v)_proj", ".*\\.layers\\.\\d+\\.mlp\\.(gate_proj|up_proj|down_proj)",
        "^model\\.layers\\.2\\..*", "q_proj", "model.layers.1.self_attn.v_proj", "(?:.*\\.)?(?:q_proj)", "[^.]+\\.h\\.[0-9]{1,2}\\.attn",
        ".*?(?<=attn)\\.c_attn", "(ab)*c", "(a*)?b",
    ])
    func realPatternsAreAccepted(_ pattern: String) {
        #expect(Self.problem(pattern) == nil)
    }

    @Test(arguments: ["(.*)*x", "(.|.)*x", "(\\w+\\.?)*x", "((a*)*)*b", "(a?)+b", "(?:a|b){2,5}", "(x+x+)+y", "(?:a{2}){3,}"])
    func repeatedGroupWithQuantifierOrAlternationIsRefused(_ pattern: String) {
        #expect(Self.problem(pattern)?.contains("exponential") == true)
    }

    @Test(arguments: [".*.*.*.*x", "\\w*\\w*\\w*(a|b|c|d|e|f|g|h)x", ".{0,100}.{0,100}.{0,100}a?a?a?x", String(repeating: "(a|b)", count: 13)])
    func tooManyBacktrackingPathsAreRefused(_ pattern: String) {
        #expect(Self.problem(pattern)?.contains("too long to match") == true)
    }

    @Test func patternKeysShareTheBudgetWithTheirWrapper() {
        #expect(Self.problem(".*.*.*x") == nil)
        #expect(Self.problem(".*.*.*x", reserved: RegexLimits.patternKeyWrapper) != nil)
    }

    @Test(arguments: [
        ("(?<name>a)", "unsupported group"), ("(?i)q_proj", "unsupported group"), ("\\Qa\\E", "unsupported escape"),
        ("a\\1", "unsupported escape"), ("[[:alpha:]]", "character class"), ("[a&&b]", "character class"), ("[]a]", "empty character class"),
        ("[z-a]", "reversed range"), ("a{,3}", "not a quantifier"), ("a{101}", "not a quantifier"), ("x{", "not a quantifier"),
        ("*a", "nothing to repeat"), ("a**", "nothing to repeat"), ("^*", "nothing to repeat"), ("(a", "unbalanced '('"),
        ("a)", "unbalanced ')'"), ("q proj", "must be escaped"), ("é", "printable ASCII"), ("a\\", "trailing"),
        (String(repeating: "a", count: 257), "longer than 256"),
    ])
    func unsupportedSyntaxIsRefusedNamingTheProblem(_ pattern: String, _ expected: String) {
        let message = Self.problem(pattern)
        #expect(message?.contains(expected) == true, "\(pattern): \(message ?? "accepted")")
    }

    @Test func matcherRefusesOffendingFieldsByName() throws {
        func refusal(_ json: String) throws -> MergeError? {
            let config = try AdapterConfig.parse(Array(json.utf8))
            do {
                _ = try ModuleMatcher(config)
                return nil
            } catch {
                return error
            }
        }
        let base = #""peft_type": "LORA", "r": 8, "lora_alpha": 16"#
        #expect(try refusal("{\(base), \"target_modules\": \"(.*)*x\"}")?.message.contains("target_modules regex") == true)
        #expect(try refusal("{\(base), \"target_modules\": [\"q\"], \"exclude_modules\": \"(.|.)*\"}")?.message.contains("exclude_modules") == true)
        #expect(try refusal("{\(base), \"target_modules\": [\"q\"], \"rank_pattern\": {\".*.*.*x\": 4}}")?.message.contains("rank_pattern key") == true)
        #expect(try refusal("{\(base), \"target_modules\": [\"q\"], \"alpha_pattern\": {\"(a+)+\": 4}}")?.message.contains("alpha_pattern key") == true)
    }

    /// A refused pattern is echoed clipped, as other config values are: a 400 KB regex is not a 400 KB line.
    @Test func aHugeRefusedPatternIsClippedInTheMessage() throws {
        let huge = String(repeating: "a", count: 400_000)
        let base = #""peft_type": "LORA", "r": 8, "lora_alpha": 16"#
        for json in ["{\(base), \"target_modules\": \"\(huge)\"}", "{\(base), \"target_modules\": [\"q\"], \"rank_pattern\": {\"\(huge)\": 4}}"] {
            let config = try AdapterConfig.parse(Array(json.utf8))
            let error = #expect(throws: MergeError.self) { try ModuleMatcher(config) }
            let message = error?.message ?? ""
            #expect(message.contains("longer than 256 bytes") && message.contains("…"), "\(message.prefix(300))")
            #expect(message.utf8.count < 500, "message of \(message.utf8.count) bytes")
        }
    }

    @Test func longNamesNeverMatchARegexAndAdapterModulesThatLongAreRefused() throws {
        let config = try AdapterConfig.parse(Array(#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ".*proj"}"#.utf8))
        let matcher = try ModuleMatcher(config)
        let long = String(repeating: "x", count: ModuleMatcher.maxNameLength) + ".q_proj"
        #expect(matcher.targets("model.q_proj", isLinear: true))
        #expect(!matcher.targets(long, isLinear: true))
        #expect(throws: MergeError.self) { try matcher.checkMatchable(long) }
        let names = try ModuleMatcher(AdapterConfig.parse(Array(#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q_proj"]}"#.utf8)))
        try names.checkMatchable(long)  // no regex: list matching is linear, any length is fine
        #expect(names.targets(long, isLinear: true))
    }
}
