import LoomJSON

/// A `target_modules`-style selector, matched against module names the way PEFT matches them
/// (peft-merge-semantics §1.3).
public enum ModuleSelector: Sendable, Equatable {
    /// A list: a name matches when it equals an entry or ends with `"." + entry`.
    case names([String])
    /// A Python regex that must match the whole name (`re.fullmatch`).
    case regex(String)
    /// PEFT's `"all-linear"`: every linear (or GPT-2 `Conv1D`) layer except the output head.
    case allLinear

    /// The selector as JSON text for messages: one line, clipped like every untrusted value (``MessageText``).
    public var jsonText: String {
        switch self {
        case .names(let names): return MessageText.json(.array(names.map { .string($0) }))
        case .regex(let r): return MessageText.quoted(r)
        case .allLinear: return "\"all-linear\""
        }
    }
}

/// Compiled matching rules of one adapter config. Build once per config; matching is pure.
///
/// Regexes are compiled at init, so an invalid pattern is reported when the adapter is registered.
/// Every pattern must keep to ``RegexLimits`` and only names of at most ``maxNameLength`` bytes are
/// matched against a regex, so that no config can make matching take long. `package` so that the fuzz
/// harness (`LoomTesting`) can derive the adapter tensors a config selects.
package struct ModuleMatcher {
    /// The longest module name a regex is matched against; longer names never match one. The
    /// analysis refuses adapter modules longer than this (``checkMatchable(_:)``), so only base
    /// modules can go unmatched for their length. Real module paths are well under 100 bytes.
    static let maxNameLength = 128

    private let targets: ModuleSelector
    private let targetRegex: Regex<AnyRegexOutput>?
    private let exclude: ModuleSelector?
    private let excludeRegex: Regex<AnyRegexOutput>?
    private let modulesToSave: [String]
    private let layers: Set<Int>?
    private let layersPattern: [String]?
    private let feedforward: ModuleSelector?
    private let feedforwardRegex: Regex<AnyRegexOutput>?
    private let rankPatterns: [(Regex<AnyRegexOutput>, Int)]
    private let alphaPatterns: [(Regex<AnyRegexOutput>, Double)]

    /// Compiles the config's selectors and patterns.
    ///
    /// - Throws: ``MergeError`` naming the field whose regex breaks ``RegexLimits`` or does not compile.
    package init(_ config: AdapterConfig) throws(MergeError) {
        targets = config.targetModules
        targetRegex = try Self.compile(config.targetModules, field: "target_modules")
        exclude = config.excludeModules
        excludeRegex = try config.excludeModules.flatMap { (s) throws(MergeError) in try Self.compile(s, field: "exclude_modules") }
        modulesToSave = config.modulesToSave
        layers = config.layersToTransform.map(Set.init)
        layersPattern = config.layersPattern
        feedforward = config.feedforwardModules
        feedforwardRegex = try config.feedforwardModules.flatMap { (s) throws(MergeError) in
            try Self.compile(s, field: "feedforward_modules")
        }
        rankPatterns = try config.rankPattern.map { (p) throws(MergeError) in
            (try Self.patternRegex(p.pattern, field: "rank_pattern"), p.value)
        }
        alphaPatterns = try config.alphaPattern.map { (p) throws(MergeError) in
            (try Self.patternRegex(p.pattern, field: "alpha_pattern"), p.value)
        }
    }

    private static func compile(_ selector: ModuleSelector, field: String) throws(MergeError) -> Regex<AnyRegexOutput>? {
        guard case .regex(let pattern) = selector else { return nil }
        try RegexLimits.check(pattern, field: field)
        do {
            return try Regex(pattern)
        } catch {
            throw .invalid("adapter_config.json: \(field) regex \(MessageText.quoted(pattern)) does not compile: \(error)")
        }
    }

    /// PEFT ≥ 0.15 `get_pattern_key`: `re.match(r"(.*\.)?(" + p + r")$", name)`.
    private static func patternRegex(_ pattern: String, field: String) throws(MergeError) -> Regex<AnyRegexOutput> {
        try RegexLimits.check(pattern, field: field + " key", reserved: RegexLimits.patternKeyWrapper)
        do {
            return try Regex("(?:.*\\.)?(?:" + pattern + ")")
        } catch {
            throw .invalid("adapter_config.json: \(field) key \(MessageText.quoted(pattern)) is not a valid regex: \(error)")
        }
    }

    /// Whether PEFT would put an adapter layer on module `name` (§1.3 steps 1–5).
    ///
    /// - Parameter isLinear: for `"all-linear"`, whether the base layer is linear and not the output head.
    package func targets(_ name: String, isLinear: Bool) -> Bool {
        if let exclude {
            if let excludeRegex {
                if Self.matches(excludeRegex, name) { return false }
            } else if case .names(let names) = exclude, names.contains(where: { Self.suffixMatch(name, $0) }) {
                return false
            }
        }
        if modulesToSave.contains(where: { Self.containsModule(name, $0) }) { return false }
        switch targets {
        case .allLinear:
            return isLinear
        case .regex:
            guard let targetRegex else { return false }
            return Self.matches(targetRegex, name)
        case .names(let names):
            guard names.contains(where: { Self.suffixMatch(name, $0) }) else { return false }
            guard let layers else { return true }
            guard let index = Self.layerIndex(of: name, patterns: layersPattern) else { return false }
            return layers.contains(index)
        }
    }

    /// IA3: whether `name` is a feed-forward module (string: full match; list: plain `endswith`, no dot boundary).
    package func isFeedforward(_ name: String) -> Bool {
        guard let feedforward else { return false }
        if let feedforwardRegex { return Self.matches(feedforwardRegex, name) }
        if case .names(let names) = feedforward { return names.contains(where: { name.hasSuffix($0) }) }
        return false
    }

    /// The rank for `name`: the first matching `rank_pattern` key in file order, else `fallback`.
    package func rank(for name: String, fallback: Int) -> Int {
        rankPatterns.first(where: { Self.matches($0.0, name) })?.1 ?? fallback
    }

    /// The alpha for `name`: the first matching `alpha_pattern` key in file order, else `fallback`.
    package func alpha(for name: String, fallback: Double) -> Double {
        alphaPatterns.first(where: { Self.matches($0.0, name) })?.1 ?? fallback
    }

    /// Throws when this config matches names against a regex and `name` is longer than
    /// ``maxNameLength``, rather than silently not matching it.
    func checkMatchable(_ name: String) throws(MergeError) {
        let usesRegex = targetRegex != nil || excludeRegex != nil || feedforwardRegex != nil || !rankPatterns.isEmpty
            || !alphaPatterns.isEmpty
        guard usesRegex, name.utf8.count > Self.maxNameLength else { return }
        throw .unsupported(
            "module \"\(name.prefix(64))…\" is longer than \(Self.maxNameLength) bytes, "
                + "the longest name loom matches against the config's regexes")
    }

    /// Whether `regex` matches all of `name`; false for names longer than ``maxNameLength``.
    static func matches(_ regex: Regex<AnyRegexOutput>, _ name: String) -> Bool {
        name.utf8.count <= maxNameLength && (try? regex.wholeMatch(in: name)) != nil
    }

    /// `name == entry` or `name` ends with `"." + entry`.
    static func suffixMatch(_ name: String, _ entry: String) -> Bool {
        name == entry || name.hasSuffix("." + entry)
    }

    /// PEFT ≥ 0.16: `modules_to_save` entry `m` matches `(^|.*\.)m($|\..*)`.
    static func containsModule(_ name: String, _ m: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let wanted = m.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard wanted.count <= parts.count, !wanted.isEmpty else { return false }
        for start in 0...(parts.count - wanted.count) where Array(parts[start..<start + wanted.count]) == wanted {
            return true
        }
        return false
    }

    /// §1.5: the first numbered segment after `<something>.<list name>.`; PEFT ≥ 0.20 (lazy match).
    static func layerIndex(of name: String, patterns: [String]?) -> Int? {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        // The regexes need at least one dot before the layer-list name, and one after the index.
        guard parts.count >= 4 else { return nil }
        if let patterns {
            for pattern in patterns {
                for i in 1..<(parts.count - 2) where parts[i] == pattern {
                    if let n = digits(parts[i + 1]) { return n }
                }
            }
            return nil
        }
        for i in 2..<(parts.count - 1) {
            if let n = digits(parts[i]) { return n }
        }
        return nil
    }

    private static func digits(_ segment: String) -> Int? {
        guard !segment.isEmpty, segment.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return Int(segment)
    }
}
