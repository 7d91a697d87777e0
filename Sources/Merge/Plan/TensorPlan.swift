/// How one output tensor is computed. Unchanged tensors have no plan: they are copied (or converted).
///
/// The value is computed in float64 in this order: W = source (its NF4 round trip when ``quantize`` is set); W += Σ lowRank (or, for a non-linear
/// ``combine``, the combination of the terms' full deltas); DoRA rescale; IA3 scale; bias additions — then rounded once to the output dtype. A value type; `Sendable`.
public struct TensorPlan: Sendable, Equatable {
    /// Where W0 comes from.
    public enum Source: Sendable, Equatable, Hashable {
        /// A base tensor (by name).
        case base(String)
        /// A tensor of the build's adapter number `adapter` (by key): a full replacement.
        case adapter(Int, String)
    }

    /// Which axis of the stored matrix a vector applies along.
    public enum Axis: Sendable, Equatable {
        /// One factor per row (`W[i, :] *= f[i]`).
        case rows
        /// One factor per column (`W[:, j] *= f[j]`).
        case columns
        /// Elementwise on a 1-D tensor.
        case elements
    }

    /// `coefficient · L · R` added to the stored matrix, where for a `[out, in]` layout L = B and
    /// R = A, and for a transposed layout (`Conv1D`, embedding) L = Aᵀ and R = Bᵀ.
    public struct LowRank: Sendable, Equatable {
        public var adapter: Int
        public var aKey: String
        public var bKey: String
        public var rank: Int
        public var transposed: Bool
        /// weight × scaling in float64.
        public var coefficient: Double
        /// The user's weight wᵢ and the adapter's scaling sᵢ apart (non-linear combinations weight Dᵢ = sᵢ·Bᵢ·Aᵢ).
        public var weight: Double = 1
        public var scaling: Double = 1
        /// The adapter's manifest digest (keys its DARE mask).
        public var digest: String = ""
    }

    /// DoRA: `W' = (m / ‖W + ΔW‖) · (W + ΔW)`, norms along ``axis`` (one per output feature).
    public struct DoRA: Sendable, Equatable {
        public var adapter: Int
        public var magnitudeKey: String
        public var axis: Axis
    }

    /// Elementwise scaling by an adapter vector (IA3).
    public struct Scale: Sendable, Equatable {
        public var adapter: Int
        public var key: String
        public var axis: Axis
    }

    /// `bias += coefficient · vector` (`lora_bias`).
    public struct BiasAdd: Sendable, Equatable {
        public var adapter: Int
        public var key: String
        public var coefficient: Double
    }

    public var name: String
    public var shape: [Int]
    public var source: Source
    public var lowRank: [LowRank] = []
    public var dora: DoRA?
    public var scale: Scale?
    public var biasAdds: [BiasAdd] = []
    /// How the low-rank terms combine (linear: their exact sum).
    public var combine: CombineOptions = .linear
    /// A QLoRA build replaces a base source by its NF4 round trip in the output dtype before anything is added
    /// (``NF4RoundTrip``); nil: the source as stored.
    public var quantize: QLoRAOptions?

    public init(name: String, shape: [Int], source: Source) {
        self.name = name
        self.shape = shape
        self.source = source
    }

    /// Rows of the stored matrix (1 for a vector).
    public var rows: Int { shape.count >= 2 ? shape[0] : 1 }
    /// Columns of the stored matrix (the element count for a vector).
    public var columns: Int { shape.count >= 2 ? shape.dropFirst().reduce(1, *) : shape.reduce(1, *) }

    /// True when the plan only copies its source (an untied head copied from the embedding).
    public var isCopy: Bool { lowRank.isEmpty && dora == nil && scale == nil && biasAdds.isEmpty && quantize == nil }
}
