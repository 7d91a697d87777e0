/// The regex syntax and size loom accepts in `target_modules`, `exclude_modules`, `feedforward_modules`
/// and `rank_pattern`/`alpha_pattern` keys, checked before `Regex(_:)` sees the pattern.
///
/// Swift's `Regex` backtracks, so a hostile config could otherwise hang registration: `(.*)*x` or
/// `(.|.)*x` take exponential time on a module name that does not match, `.*.*.*.*x` polynomial time
/// of high degree. The limits make the worst case small and predictable:
///
/// - at most ``maxLength`` bytes of printable ASCII, in a syntax both Python's `re` and Swift read the
///   same way: literals, `.`, escapes of punctuation, `\d \w \s \D \W \S \b \B`, simple character
///   classes (`[a-z0-9_]`, `[^.]`), `^ $`, groups `( )`, `(?: )`, lookarounds `(?= )`, `(?! )`,
///   `(?<= )`, `(?<! )`, alternation, and the quantifiers `* + ? {m} {m,} {m,n}` (counts ≤
///   ``maxCount``, optionally lazy or possessive);
/// - no repeated group containing a quantifier or an alternation (the exponential case);
/// - a bounded number of backtracking paths (the polynomial case): each quantifier that repeats a
///   variable number of times can stop at any of the `n + 1` places of an `n`-byte name, each
///   alternation and optional part multiplies by its ways; the product for the longest name matched
///   (``ModuleMatcher/maxNameLength``) must stay within ``maxPaths``, and the alternatives and
///   optional parts alone within ``maxChoices``. In practice: up to
///   three `.*` with a few alternatives (PEFT's `.*decoder.*(SelfAttention|EncDecAttention).*(q|v)$`),
///   or two with many.
///
/// Worst case measured at the limits: about one second for one match (`.*.*(a|…×31)(a|…×32)x` against
/// 128 bytes of `a`); real patterns on real names take microseconds. Stateless.
enum RegexLimits {
    static let maxLength = 256
    static let maxCount = 100
    static let maxPaths = 1 << 24
    static let maxChoices = 1 << 12

    /// The factor one variable repetition contributes: the places it can stop in the longest name.
    static var repeatPaths: Int { ModuleMatcher.maxNameLength + 1 }

    /// What ``ModuleMatcher`` wraps around a `rank_pattern` or `alpha_pattern` key uses of the budget:
    /// `(?:.*\.)?` is one variable repetition and one optional part.
    static var patternKeyWrapper: Int { repeatPaths * 2 }

    /// Throws unless `pattern` keeps to the syntax and limits above.
    ///
    /// - Parameters:
    ///   - field: the config field, for the message.
    ///   - reserved: paths already used by text loom adds around the pattern (1 for none).
    /// - Throws: ``MergeError`` (`.unsupported`) naming the field, the pattern and the first problem.
    static func check(_ pattern: String, field: String, reserved: Int = 1) throws(MergeError) {
        var scan = Scan(bytes: Array(pattern.utf8), paths: reserved)
        if let problem = scan.run() {
            throw .unsupported("adapter_config.json: \(field) regex \(MessageText.quoted(pattern)) is refused: \(problem)")
        }
    }

    /// One pass over the pattern; `run` returns the first problem, or nil.
    private struct Scan {
        /// One nesting level: its alternatives, and whether anything inside quantifies or alternates.
        struct Level {
            var branches = 1
            var quantified = false
        }

        /// The last thing a quantifier could apply to.
        enum Atom {
            case single
            case group(Level)
        }

        let bytes: [UInt8]
        var paths: Int
        var choices = 1
        var i = 0
        var levels = [Level()]
        var last: Atom?

        init(bytes: [UInt8], paths: Int) {
            self.bytes = bytes
            self.paths = paths
        }

        mutating func run() -> String? {
            guard bytes.count <= maxLength else { return "longer than \(maxLength) bytes" }
            guard bytes.allSatisfy({ (0x20...0x7E).contains($0) }) else { return "only printable ASCII is accepted" }
            while i < bytes.count {
                if let problem = step() { return problem }
            }
            guard levels.count == 1 else { return "unbalanced '('" }
            return spend(levels[0].branches, choice: true)
        }

        mutating func step() -> String? {
            let c = bytes[i]
            switch c {
            case UInt8(ascii: "\\"):
                guard i + 1 < bytes.count else { return "trailing '\\'" }
                let e = bytes[i + 1]
                if Self.isAlphanumeric(e), !"dDwWsSbB".utf8.contains(e) { return "unsupported escape \\\(Character(Unicode.Scalar(e)))" }
                last = e == UInt8(ascii: "b") || e == UInt8(ascii: "B") ? nil : .single
                i += 2
            case UInt8(ascii: "["):
                if let problem = characterClass() { return problem }
                last = .single
            case UInt8(ascii: "("):
                let opener = bytes[i..<min(bytes.count, i + 4)]
                if opener.starts(with: "(?".utf8) {
                    guard let kind = ["(?:", "(?=", "(?!", "(?<=", "(?<!"].first(where: { opener.starts(with: $0.utf8) }) else {
                        return "unsupported group syntax at byte \(i) (use (…), (?:…) or a lookaround)"
                    }
                    i += kind.utf8.count
                } else {
                    i += 1
                }
                levels.append(Level())
                last = nil
            case UInt8(ascii: ")"):
                guard levels.count > 1 else { return "unbalanced ')' at byte \(i)" }
                let inner = levels.removeLast()
                levels[levels.count - 1].quantified = levels[levels.count - 1].quantified || inner.quantified || inner.branches > 1
                if let problem = spend(inner.branches, choice: true) { return problem }
                last = .group(inner)
                i += 1
            case UInt8(ascii: "|"):
                levels[levels.count - 1].branches += 1
                last = nil
                i += 1
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                return quantifier()
            case UInt8(ascii: "^"), UInt8(ascii: "$"):
                last = nil
                i += 1
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                last = .single
                i += 1
            default:
                guard Self.isAlphanumeric(c) else {
                    return "'\(Character(Unicode.Scalar(c)))' at byte \(i) must be escaped"
                }
                last = .single
                i += 1
            }
            return nil
        }

        /// `[…]` or `[^…]` of letters, digits, `_`, `.`, ranges `a-z`, and the escapes accepted outside.
        mutating func characterClass() -> String? {
            let start = i
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "^") { i += 1 }
            var items = 0
            while i < bytes.count, bytes[i] != UInt8(ascii: "]") {
                let c = bytes[i]
                if c == UInt8(ascii: "\\"), i + 1 < bytes.count, !Self.isAlphanumeric(bytes[i + 1]) || "dDwWsS".utf8.contains(bytes[i + 1]) {
                    i += 2
                } else if Self.isAlphanumeric(c) || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") {
                    let isRange = i + 2 < bytes.count && bytes[i + 1] == UInt8(ascii: "-") && Self.isAlphanumeric(bytes[i + 2])
                    if isRange, bytes[i + 2] < c { return "reversed range in character class at byte \(i)" }
                    i += isRange ? 3 : 1
                } else {
                    return "unsupported character class syntax at byte \(i)"
                }
                items += 1
            }
            guard i < bytes.count else { return "unterminated character class at byte \(start)" }
            guard items > 0 else { return "empty character class at byte \(start)" }
            i += 1
            return nil
        }

        /// `*`, `+`, `?` or `{m}`, `{m,}`, `{m,n}`, then an optional lazy `?` or possessive `+`.
        mutating func quantifier() -> String? {
            let start = i
            let bounds: (min: Int, max: Int?)
            switch bytes[i] {
            case UInt8(ascii: "*"): bounds = (0, nil)
            case UInt8(ascii: "+"): bounds = (1, nil)
            case UInt8(ascii: "?"): bounds = (0, 1)
            default:
                guard let counted = counts() else {
                    return "'{' at byte \(start) is not a quantifier {m}, {m,} or {m,n} with counts ≤ \(maxCount) (escape a literal '{')"
                }
                bounds = counted
            }
            if bytes[start] != UInt8(ascii: "{") { i += 1 }
            if i < bytes.count, bytes[i] == UInt8(ascii: "?") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            guard let atom = last else { return "quantifier at byte \(start) has nothing to repeat" }
            last = nil
            let repeats = bounds.max.map { $0 > 1 } ?? true
            if repeats, case .group(let inner) = atom, inner.quantified || inner.branches > 1 {
                return "a repeated group at byte \(start) contains a quantifier or an alternation (exponential matching time)"
            }
            levels[levels.count - 1].quantified = true
            guard bounds.min != bounds.max else { return nil }
            return repeats ? spend(repeatPaths) : spend(2, choice: true)
        }

        /// Parses `{m}`, `{m,}` or `{m,n}` at `i` and moves past it; nil (not moved) when it is none of those.
        mutating func counts() -> (min: Int, max: Int?)? {
            var j = i + 1
            func number() -> Int? {
                let digits = bytes[j...].prefix(while: { (0x30...0x39).contains($0) })
                guard !digits.isEmpty, digits.count <= 3 else { return nil }
                j += digits.count
                return Int(String(decoding: digits, as: UTF8.self))
            }
            guard let low = number() else { return nil }
            var high: Int? = low
            if j < bytes.count, bytes[j] == UInt8(ascii: ",") {
                j += 1
                high = j < bytes.count && bytes[j] == UInt8(ascii: "}") ? nil : number()
                if high == nil, j < bytes.count, bytes[j] != UInt8(ascii: "}") { return nil }
            }
            guard j < bytes.count, bytes[j] == UInt8(ascii: "}"), low <= maxCount, (high ?? low) <= maxCount, low <= (high ?? low) else {
                return nil
            }
            i = j + 1
            return (low, high)
        }

        /// Multiplies the paths (and the choices, for an alternation or optional part) by `ways`; a
        /// problem once either exceeds its limit. Both stay far below overflow: each factor is ≤ 257.
        mutating func spend(_ ways: Int, choice: Bool = false) -> String? {
            paths *= ways
            if choice { choices *= ways }
            guard paths > maxPaths || choices > maxChoices else { return nil }
            return "it could take too long to match (variable repetitions such as .*, alternatives and optional parts "
                + "multiply the work; up to three .* with a few alternatives are accepted)"
        }

        static func isAlphanumeric(_ c: UInt8) -> Bool {
            (0x30...0x39).contains(c) || (0x41...0x5A).contains(c) || (0x61...0x7A).contains(c)
        }
    }
}
