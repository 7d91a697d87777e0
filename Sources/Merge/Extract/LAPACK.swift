import CBLAS

/// The few LAPACK routines extraction needs (OpenBLAS's `dgesdd_`, `dgeqrf_`, `dorgqr_`), wrapped so that
/// callers pass Swift arrays and get Swift errors.
///
/// Every matrix is column-major with its leading dimension equal to its row count. Each call allocates
/// its own workspace (after a `lwork = -1` query), so concurrent calls on different arrays are safe.
enum LAPACK {
    /// A thin SVD, `a = u · diag(s) · vt`, of the `m × n` column-major matrix `a`.
    ///
    /// - Returns: `u` (`m × k`), `s` (`k`, descending) and `vt` (`k × n`), with `k = min(m, n)`.
    /// - Throws: ``MergeError`` `.invalid` naming `shown` when LAPACK reports an illegal argument or
    ///   that the divide-and-conquer iteration did not converge.
    static func svd(_ a: [Double], rows m: Int, columns n: Int, shown: String) throws(MergeError)
        -> (u: [Double], s: [Double], vt: [Double])
    {
        let k = min(m, n)
        var a = a
        var s = [Double](repeating: 0, count: k)
        var u = [Double](repeating: 0, count: m * k)
        var vt = [Double](repeating: 0, count: k * n)
        var iwork = [Int32](repeating: 0, count: 8 * k)
        var jobz = CChar(UInt8(ascii: "S"))
        var mm = Int32(m), nn = Int32(n), lda = Int32(m), ldu = Int32(m), ldvt = Int32(k)
        var info: Int32 = 0
        var query = 0.0
        var lwork: Int32 = -1
        dgesdd_(&jobz, &mm, &nn, &a, &lda, &s, &u, &ldu, &vt, &ldvt, &query, &lwork, &iwork, &info)
        guard info == 0 else { throw .invalid("\(shown): dgesdd workspace query failed (info \(info))") }
        lwork = Int32(query.rounded(.up))
        var work = [Double](repeating: 0, count: max(1, Int(lwork)))
        dgesdd_(&jobz, &mm, &nn, &a, &lda, &s, &u, &ldu, &vt, &ldvt, &work, &lwork, &iwork, &info)
        guard info == 0 else {
            throw .invalid("\(shown): the SVD did not converge (dgesdd info \(info))")
        }
        return (u, s, vt)
    }

    /// Replaces the `m × n` column-major matrix `a` (`m ≥ n`) by the `Q` of its QR factorization: `n`
    /// orthonormal columns spanning the same space.
    ///
    /// - Throws: ``MergeError`` `.invalid` naming `shown` when LAPACK reports an illegal argument.
    static func orthonormalize(_ a: inout [Double], rows m: Int, columns n: Int, shown: String) throws(MergeError) {
        var mm = Int32(m), nn = Int32(n), kk = Int32(n), lda = Int32(m)
        var tau = [Double](repeating: 0, count: n)
        var info: Int32 = 0
        var query = 0.0
        var lwork: Int32 = -1
        dgeqrf_(&mm, &nn, &a, &lda, &tau, &query, &lwork, &info)
        var query2 = 0.0
        dorgqr_(&mm, &nn, &kk, &a, &lda, &tau, &query2, &lwork, &info)
        guard info == 0 else { throw .invalid("\(shown): QR workspace query failed (info \(info))") }
        lwork = Int32(max(query, query2).rounded(.up))
        var work = [Double](repeating: 0, count: max(1, Int(lwork)))
        dgeqrf_(&mm, &nn, &a, &lda, &tau, &work, &lwork, &info)
        guard info == 0 else { throw .invalid("\(shown): dgeqrf failed (info \(info))") }
        dorgqr_(&mm, &nn, &kk, &a, &lda, &tau, &work, &lwork, &info)
        guard info == 0 else { throw .invalid("\(shown): dorgqr failed (info \(info))") }
    }
}
