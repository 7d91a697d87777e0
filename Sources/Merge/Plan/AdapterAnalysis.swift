/// How one adapter changes one base, validated key by key before any math.
///
/// Every tensor key must be accounted for (peft-merge-semantics "Read first" #4): a LoRA, DoRA or IA3
/// tensor of a module the config selects and the base has (a tied `lm_head` counts), or a full
/// replacement of a base tensor of the same shape (or a resized embedding or head). Anything else
/// refuses the adapter, naming the keys: an adapter made for another model must never half-merge.
///
/// Pure: computed from the config, the adapter's tensor descriptors and the base description.
/// A value type; `Sendable`.
public struct AdapterAnalysis: Sendable {
    /// How a module stores its weight, which decides how ΔW is laid out.
    public enum ModuleKind: String, Sendable {
        /// `nn.Linear`: weight `[out, in]`, ΔW = B·A.
        case linear
        /// GPT-2 `Conv1D`: weight `[in, out]`, ΔW = (B·A)ᵀ.
        case conv1D = "conv1d"
        /// `nn.Embedding`: weight `[V, H]`, ΔW = (B_e·A_e)ᵀ.
        case embedding

        /// True when the stored weight is the transpose of B·A.
        public var isTransposed: Bool { self != .linear }
    }

    /// The LoRA factors of a module.
    public struct LoRA: Sendable, Equatable {
        public var aKey: String
        public var bKey: String
        /// The rank, from the tensors (checked against `r`/`rank_pattern`).
        public var rank: Int
        /// Alpha after `alpha_pattern`.
        public var alpha: Double
        /// α/r or α/√r (rslora), exact in double.
        public var scaling: Double
        /// DoRA magnitude vector key.
        public var magnitudeKey: String?
        /// `lora_B.bias` key (with `lora_bias`), added to ``biasTarget`` times the scaling.
        public var biasKey: String?
        public var biasTarget: String?
    }

    /// The IA3 vector of a module.
    public struct IA3: Sendable, Equatable {
        public var key: String
        /// Feed-forward modules scale their input features, others their output features (and bias).
        public var feedforward: Bool
        public var biasTarget: String?
    }

    /// One adapted module.
    public struct Module: Sendable, Equatable {
        /// The module path as the adapter names it.
        public var module: String
        public var kind: ModuleKind
        /// The output tensor the module's weight becomes.
        public var target: String
        /// The base tensor holding W0: the target itself, or the input embedding for a tied head.
        public var source: String
        /// Output features (rows of ΔW before any transpose).
        public var outFeatures: Int
        public var inFeatures: Int
        public var lora: LoRA?
        public var ia3: IA3?
    }

    /// A tensor of the adapter that replaces a base tensor whole.
    public struct Replacement: Sendable, Equatable {
        public var key: String
        /// The output tensor it becomes.
        public var target: String
        public var shape: [Int]
        /// True when the shape differs from the base tensor (a resized vocabulary).
        public var resized: Bool
    }

    public let config: AdapterConfig
    /// Adapted modules, ordered by target name.
    public let modules: [Module]
    /// Replacements, ordered by target name.
    public let replacements: [Replacement]
    /// The base ties its head to the input embedding and this adapter changes one of them: the merged
    /// checkpoint must carry a separate `lm_head.weight` ("Read first" #3).
    public let untiesHead: Bool
    /// Things a user should know (untying, resized vocabularies).
    public let notes: [String]

    /// Validates `tensors` (the adapter file's descriptors) against `base` under `config`.
    ///
    /// - Throws: ``MergeError`` naming the offending keys, modules or fields.
    public init(config: AdapterConfig, tensors: [TensorDescriptor], base: BaseModel) throws(MergeError) {
        guard !tensors.isEmpty else { throw .invalid("the adapter file holds no tensors") }
        for t in tensors where !t.isFloat {
            throw .invalid("adapter tensor \(MessageText.quoted(t.name)) has dtype \(t.dtype); adapter weights must be F32, BF16, F16 or F64")
        }
        var builder = AnalysisBuilder(config: config, base: base, matcher: try ModuleMatcher(config))
        try builder.classify(tensors)
        try builder.analyzeReplacements()
        try builder.checkVocabularyAgrees()
        try builder.analyzeModules()
        try builder.throwIfNothingSelected()
        try builder.throwIfUnaccounted()
        try builder.checkCoverage()
        self.config = config
        modules = builder.modules.sorted { $0.target < $1.target }
        replacements = builder.replacements.sorted { $0.target < $1.target }
        untiesHead = builder.untiesHead
        notes = builder.notes
    }
}
