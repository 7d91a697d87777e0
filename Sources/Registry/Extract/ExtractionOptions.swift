package import LoomCore

/// How `loom adapter extract` factorizes a fine-tune. A value type; `Sendable`.
package struct ExtractionOptions: Sendable, Equatable {
    /// The rank asked for (≥ 1); a weight with fewer rows or columns keeps all of them.
    package var rank: Int
    /// LAPACK's full SVD (optimal, slower) instead of the randomized one (the default).
    package var exact: Bool
    /// The randomized sketch's seed: the same seed gives the same bytes.
    package var seed: UInt64
    /// Leave out changed tensors that are no linear weight (embeddings, norms, biases) instead of
    /// saving them whole as `modules_to_save`, as mergekit's `--skip-undecomposable` does.
    package var skipUndecomposable: Bool

    /// Options; see each property.
    package init(rank: Int, exact: Bool = false, seed: UInt64 = 0, skipUndecomposable: Bool = false) {
        self.rank = rank
        self.exact = exact
        self.seed = seed
        self.skipUndecomposable = skipUndecomposable
    }
}

/// The outcome of `adapter extract`.
package struct ExtractionResult: Sendable {
    /// The registered adapter (always new: extraction refuses a taken name).
    package var registration: AdapterRegistration
    /// Its provenance, as recorded.
    package var extraction: ExtractionRecord
    /// Linear weights factorized, by module path.
    package var decomposed: [String]
    /// Changed tensors saved whole (`modules_to_save`).
    package var savedWhole: [String]
    /// Changed tensors left out (`--skip-undecomposable`).
    package var skipped: [String]
    /// Modules whose rank was clamped below the requested one, with the rank they got.
    package var clamped: [(module: String, rank: Int)]
    /// Things the user should know (files skipped in the tuned directory, clamped ranks, …).
    package var notes: [String]
}
