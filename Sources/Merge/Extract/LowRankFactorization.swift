import CBLAS

/// A rank-`rank` factorization `τ ≈ B · A` of an `m × n` weight delta, in PEFT's layout: `b` is
/// `lora_B.weight` (`m × rank`, row-major) and `a` is `lora_A.weight` (`rank × n`, row-major), with
/// the singular values split evenly between them (`B = U·√Σ`, `A = √Σ·Vh`, mergekit's
/// `distribute_scale`), so that `lora_alpha = r` (scaling 1) reproduces `B · A`.
///
/// ## Topics
/// - ``factorize(_:rows:columns:rank:method:shown:)``
/// - ``Method``
public struct LowRankFactorization: Sendable, Equatable {
    /// How the truncated SVD is computed.
    public enum Method: Sendable, Equatable {
        /// LAPACK's full thin SVD (`dgesdd`): the optimal rank-R approximation (Eckart–Young).
        case exact
        /// Halko–Martinsson–Tropp randomized SVD: a Gaussian sketch of `rank + oversampling` columns
        /// from `seed`, refined by `powerIterations` subspace iterations; far faster on large weights.
        case randomized(seed: UInt64, oversampling: Int = 10, powerIterations: Int = 3)
    }

    /// Rows of τ (the layer's output features).
    public let rows: Int
    /// Columns of τ (the layer's input features).
    public let columns: Int
    /// The rank kept: `min(requested, rows, columns)`.
    public let rank: Int
    /// `lora_B.weight`, `rows × rank`, row-major.
    public let b: [Double]
    /// `lora_A.weight`, `rank × columns`, row-major.
    public let a: [Double]

    /// Factorizes `tau` (`rows × columns`, row-major float64).
    ///
    /// Deterministic: the same inputs and method give the same bits on one machine (the randomized
    /// sketch comes from ``GaussianSampler``, a counter-based generator). Pure; safe to call concurrently.
    /// The rank is clamped to `min(rows, columns)`; the randomized method falls back to the exact one
    /// when its sketch would be as wide as the matrix.
    ///
    /// - Throws: ``MergeError`` `.invalid` naming `shown` when `rank < 1`, the sizes disagree, or
    ///   LAPACK fails.
    public static func factorize(
        _ tau: [Double], rows: Int, columns: Int, rank requested: Int, method: Method, shown: String
    ) throws(MergeError) -> LowRankFactorization {
        guard requested >= 1 else { throw .invalid("\(shown): rank \(requested) is not positive") }
        guard rows >= 1, columns >= 1, tau.count == rows * columns else {
            throw .invalid("\(shown): \(tau.count) values do not make a \(rows) × \(columns) matrix")
        }
        let rank = min(requested, rows, columns)
        // Row-major τ (m × n) is, read column-major, X = τᵀ (n × m); every LAPACK call below works on X.
        let (u, s, vh): ([Double], [Double], [Double])
        switch method {
        case .randomized(let seed, let oversampling, let iterations) where rank + max(oversampling, 0) < min(rows, columns):
            (u, s, vh) = try randomized(tau, m: rows, n: columns, width: rank + max(oversampling, 0), iterations: iterations, seed: seed, shown: shown)
        default:
            (u, s, vh) = try exact(tau, m: rows, n: columns, shown: shown)
        }
        // u: m × k column-major (k ≥ rank); vh: k × n as `vh[i * n + p]`; s: k descending.
        var b = [Double](repeating: 0, count: rows * rank)
        var a = [Double](repeating: 0, count: rank * columns)
        for i in 0..<rank {
            let root = max(s[i], 0).squareRoot()
            for j in 0..<rows { b[j * rank + i] = u[j + i * rows] * root }
            for p in 0..<columns { a[i * columns + p] = vh[i * columns + p] * root }
        }
        return LowRankFactorization(rows: rows, columns: columns, rank: rank, b: b, a: a)
    }

    /// Full thin SVD of τ. Returns U (m × k column-major), Σ, and Vh with row i at `i * n`.
    private static func exact(_ tau: [Double], m: Int, n: Int, shown: String) throws(MergeError)
        -> ([Double], [Double], [Double])
    {
        // X = τᵀ = Ux Σ VTx, so τ = VTxᵀ Σ Uxᵀ: τ's U is VTxᵀ and τ's Vh is Uxᵀ.
        let (ux, s, vtx) = try LAPACK.svd(tau, rows: n, columns: m, shown: shown)
        let k = s.count
        // vtx is k × m column-major: element (i, j) at i + j*k; U(j, i) = vtx(i, j).
        var u = [Double](repeating: 0, count: m * k)
        for j in 0..<m {
            for i in 0..<k { u[j + i * m] = vtx[i + j * k] }
        }
        // ux is n × k column-major: column i (contiguous) is row i of Vh.
        return (u, s, ux)
    }

    /// Randomized SVD of τ with a sketch of `width` columns and `iterations` power iterations.
    private static func randomized(
        _ tau: [Double], m: Int, n: Int, width k: Int, iterations: Int, seed: UInt64, shown: String
    ) throws(MergeError) -> ([Double], [Double], [Double]) {
        let omega = GaussianSampler(seed: seed).samples(n * k)  // n × k column-major
        var y = [Double](repeating: 0, count: m * k)  // m × k column-major
        var z = [Double](repeating: 0, count: n * k)  // n × k column-major
        // Y = τ Ω = Xᵀ Ω.
        multiplyTauTransposed(tau, m: m, n: n, by: omega, k: k, into: &y)
        try LAPACK.orthonormalize(&y, rows: m, columns: k, shown: shown)
        for _ in 0..<max(iterations, 0) {
            // Z = τᵀ Q = X Q, then Y = τ Z, each re-orthonormalized so small singular directions survive.
            multiplyTau(tau, m: m, n: n, by: y, k: k, into: &z)
            try LAPACK.orthonormalize(&z, rows: n, columns: k, shown: shown)
            multiplyTauTransposed(tau, m: m, n: n, by: z, k: k, into: &y)
            try LAPACK.orthonormalize(&y, rows: m, columns: k, shown: shown)
        }
        // Z = τᵀ Q (n × k), so Qᵀ τ = Zᵀ. With Z = Uz Σ Vzᵀ: τ ≈ Q Qᵀ τ = (Q Vz) Σ Uzᵀ.
        multiplyTau(tau, m: m, n: n, by: y, k: k, into: &z)
        let (uz, s, vtz) = try LAPACK.svd(z, rows: n, columns: k, shown: shown)
        var u = [Double](repeating: 0, count: m * k)
        // U = Q · Vz = Q · VTzᵀ (m × k column-major).
        cblas_dgemm(
            CblasColMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(k), Int32(k), 1, y, Int32(m), vtz, Int32(k), 0, &u,
            Int32(m))
        // uz is n × k column-major: column i is row i of Vh.
        return (u, s, uz)
    }

    /// `out (n × k) = τᵀ · q`, with `q` m × k; all column-major, τ row-major m × n (that is X = τᵀ).
    private static func multiplyTau(_ tau: [Double], m: Int, n: Int, by q: [Double], k: Int, into out: inout [Double]) {
        cblas_dgemm(
            CblasColMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(k), Int32(m), 1, tau, Int32(n), q, Int32(m), 0, &out,
            Int32(n))
    }

    /// `out (m × k) = τ · q`, with `q` n × k; all column-major, τ row-major m × n (that is Xᵀ).
    private static func multiplyTauTransposed(
        _ tau: [Double], m: Int, n: Int, by q: [Double], k: Int, into out: inout [Double]
    ) {
        cblas_dgemm(
            CblasColMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(k), Int32(n), 1, tau, Int32(n), q, Int32(n), 0, &out,
            Int32(m))
    }
}
