import CMergeKernels

/// The numeric kernels of a merge: low-rank updates, dtype conversion, finiteness checks, norms and
/// scaling, over caller-owned buffers. Merge arithmetic is float64; storage formats convert to it exactly
/// and back with one rounding.
///
/// Every kernel gives the same bits on every x86_64 CPU. Each has a portable C version and, where the
/// CPU has them, AVX2+F16C and AVX-512 versions chosen at run time; all of them evaluate the same IEEE
/// float operations in the same order for each element (no fused multiply-add, no reassociation), so
/// a merged checkpoint hashes the same whichever machine built it. This is why ΔW is not computed by
/// BLAS, whose kernels (and bits) differ per CPU. (Arithmetic on NaN inputs gives NaN everywhere, but
/// the NaN's sign and payload may differ between variants; merges reject non-finite values anyway.)
///
/// All kernels are synchronous, allocate at most a small scratch buffer, and keep no state: they are
/// safe to call concurrently from many threads as long as the buffers they write are disjoint and
/// nobody writes the buffers they read. Split a large matrix into row blocks to use several threads.
///
/// ## Topics
/// - ``lowRankUpdate(_:rowStride:rows:columns:rank:left:right:coefficient:)``
/// - ``addLinearDelta(to:rows:b:a:rank:scale:)``
/// - ``addTransposedDelta(to:rows:b:a:rank:scale:)``
/// - ``LowRankDelta`` (factors packed once for many row blocks and threads)
/// - ``convert(_:from:into:)`` (to float32 or float64)
/// - ``round(_:to:into:)`` (from float32 or float64, once)
/// - ``firstNonFinite(in:format:)``
/// - ``rowNorms(_:columns:)``, ``columnNorms(_:columns:)``
/// - ``accumulateColumnSumsOfSquares(_:columns:into:)``
/// - ``scaleRows(_:columns:by:)``, ``scaleColumns(_:columns:by:)``
/// - ``withInstructionSet(_:_:)``
package enum Kernels {}

/// A variant of the kernels; all variants give identical results, they differ only in speed.
package enum InstructionSet: Int, Sendable, CaseIterable, CustomStringConvertible {
    /// Plain C, the reference the others must match bit for bit.
    case portable = 0
    /// x86_64 with AVX2 and F16C (Haswell, Zen 1 and later).
    case avx2 = 1
    /// x86_64 with AVX-512 F, BW, DQ and VL (Skylake-SP, Ice Lake, Zen 4 and later).
    case avx512 = 2

    /// Whether this CPU can run the variant.
    package var isSupported: Bool { loom_kernels_isa_supported(Int32(rawValue)) != 0 }

    package var description: String {
        switch self {
        case .portable: "portable"
        case .avx2: "avx2"
        case .avx512: "avx512"
        }
    }
}

extension Kernels {
    /// The variant kernels called from the current thread use: the best one the CPU supports, unless
    /// ``withInstructionSet(_:_:)`` forced another.
    package static var activeInstructionSet: InstructionSet {
        InstructionSet(rawValue: Int(loom_kernels_active_isa())) ?? .portable
    }

    /// Runs `body` with every kernel it calls **on this thread** using `instructionSet`, then restores
    /// the previous choice. Other threads are not affected. For tests and benchmarks.
    ///
    /// - Precondition: `instructionSet.isSupported`.
    package static func withInstructionSet<Result>(
        _ instructionSet: InstructionSet, _ body: () throws -> Result
    ) rethrows -> Result {
        let previous = loom_kernels_active_isa()
        precondition(loom_kernels_force_isa(Int32(instructionSet.rawValue)) == 0, "\(instructionSet) is not supported")
        defer { _ = loom_kernels_force_isa(previous) }
        return try body()
    }
}
