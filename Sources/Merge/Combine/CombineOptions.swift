/// How several adapters' deltas combine on each module (`--combine`, spec §10.1).
///
/// `linear` is the exact weighted sum W0 + Σ wᵢ·Dᵢ. The other methods apply PEFT's `merge_utils`
/// functions to the **full** deltas Dᵢ = sᵢ·Bᵢ·Aᵢ of each module (only the adapters that target it take
/// part): `magnitude_prune` keeps the top-k |Dᵢ| of each delta then sums; `ties` adds a sign election
/// and divides by the count of agreeing deltas; `dare_linear` and `dare_ties` replace the top-k by
/// seeded Bernoulli masks rescaled by 1/density (``DAREMask``). A value type; `Sendable`.
public struct CombineOptions: Sendable, Equatable, Hashable {
    public enum Method: String, Sendable, CaseIterable {
        case linear
        case ties
        case magnitudePrune = "magnitude_prune"
        case dareLinear = "dare_linear"
        case dareTies = "dare_ties"

        /// Uses `--density` (every method but linear).
        public var usesDensity: Bool { self != .linear }
        /// Elects a sign (`--majority-sign`).
        public var usesMajoritySign: Bool { self == .ties || self == .dareTies }
        /// Draws random masks (`--seed`).
        public var usesSeed: Bool { self == .dareLinear || self == .dareTies }
    }

    /// TIES's sign election on the unweighted pruned stack (0 counts as +1).
    public enum MajoritySign: String, Sendable, CaseIterable {
        /// sign(Σᵢ Tᵢ).
        case total
        /// sign(Σᵢ sign(Tᵢ)).
        case frequency
    }

    public let method: Method
    /// In (0, 1]; nil for linear.
    public let density: Double?
    /// Nil unless the method elects a sign (then `.total` unless asked otherwise).
    public let majoritySign: MajoritySign?
    /// Nil unless the method is DARE (then 0 unless asked otherwise).
    public let seed: UInt64?

    /// The exact weighted sum (today's builds and keys).
    public static let linear = CombineOptions(uncheckedMethod: .linear, density: nil, majoritySign: nil, seed: nil)

    private init(uncheckedMethod: Method, density: Double?, majoritySign: MajoritySign?, seed: UInt64?) {
        self.method = uncheckedMethod
        self.density = density
        self.majoritySign = majoritySign
        self.seed = seed
    }

    /// Checks that each option fits the method and fills in defaults (majority sign `total`, seed 0).
    ///
    /// - Throws: ``MergeError`` `.invalid` with one line naming the option: a density outside (0, 1]
    ///   or missing for a pruning method, `--density` with linear, `--seed` with a method that draws no
    ///   masks, `--majority-sign` with one that elects no sign.
    public init(method: Method, density: Double? = nil, majoritySign: MajoritySign? = nil, seed: UInt64? = nil) throws(MergeError) {
        let name = method.rawValue
        if let density, !method.usesDensity {
            throw .invalid("--density \(density) does not apply to --combine linear (the exact weighted sum prunes nothing)")
        }
        if method.usesDensity {
            guard let density else { throw .invalid("--combine \(name) needs --density D, the fraction of each delta kept, in (0, 1]") }
            guard density > 0, density <= 1 else { throw .invalid("--density must be in (0, 1], not \(density)") }
        }
        if let majoritySign, !method.usesMajoritySign {
            throw .invalid("--majority-sign \(majoritySign.rawValue) does not apply to --combine \(name) (only ties and dare_ties elect a sign)")
        }
        if let seed, seed > UInt64(Int64.max) { throw .invalid("--seed must be at most \(Int64.max), not \(seed)") }
        if let seed, !method.usesSeed {
            throw .invalid("--seed \(seed) does not apply to --combine \(name) (only dare_linear and dare_ties draw random masks)")
        }
        self.init(
            uncheckedMethod: method, density: density, majoritySign: method.usesMajoritySign ? (majoritySign ?? .total) : nil,
            seed: method.usesSeed ? (seed ?? 0) : nil)
    }

    public var isLinear: Bool { method == .linear }

    /// `ties (density 0.5, majority sign total)`, for messages and notes.
    public var summary: String {
        var parts: [String] = []
        if let density { parts.append("density \(density)") }
        if let majoritySign { parts.append("majority sign \(majoritySign.rawValue)") }
        if let seed { parts.append("seed \(seed)") }
        return parts.isEmpty ? method.rawValue : "\(method.rawValue) (\(parts.joined(separator: ", ")))"
    }
}
