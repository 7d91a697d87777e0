import Foundation
import LoomJSON
import LoomTesting
import Merge
import Safetensors
import Testing

/// ``LowRankFactorization`` against the peft-v2 extraction fixture: ‖τ − B·A‖_F within 2% of the optimal
/// (Eckart–Young) error `extract.json` lists for each weight, for both methods.
@Suite struct LowRankFactorizationTests {
    struct Weight: Sendable, CustomStringConvertible {
        let name: String
        let rank: Int
        let optimal: Double
        var description: String { name }
    }

    static let weights: [Weight] = {
        guard let bytes = FileManager.default.contents(atPath: Fixtures.v2Path("extract.json")),
            let first = try? JSONParser().parse([UInt8](bytes)).arrayValue?.first,
            let rank = first["rank"]?.intValue, let errors = first["optimal_frobenius_error"]?.objectValue
        else { return [] }
        return errors.members.compactMap { m in m.value.doubleValue.map { Weight(name: m.key, rank: rank, optimal: $0) } }
    }()

    /// τ = tuned − base in float64, with its shape.
    static func delta(_ name: String) throws -> (tau: [Double], rows: Int, columns: Int) {
        let base = try SafetensorsFile(path: Fixtures.v2Path("bases/llama-q/model.safetensors"))
        let tuned = try SafetensorsFile(path: Fixtures.v2Path("tuned/llama-q-tuned/model.safetensors"))
        defer { base.close(); tuned.close() }
        let info = try #require(base.header.tensor(named: name))
        let w0 = try Conversion.toDouble(try #require(base.bytes(named: name)), dtype: info.dtype.rawValue)
        let w1 = try Conversion.toDouble(try #require(tuned.bytes(named: name)), dtype: info.dtype.rawValue)
        return (zip(w1, w0).map { $0 - $1 }, info.shape[0], info.shape[1])
    }

    /// ‖τ − B·A‖_F, in plain float64 loops (independent of BLAS).
    static func residual(_ tau: [Double], _ x: LowRankFactorization) -> Double {
        var sum = 0.0
        for i in 0..<x.rows {
            for j in 0..<x.columns {
                var ba = 0.0
                for k in 0..<x.rank { ba += x.b[i * x.rank + k] * x.a[k * x.columns + j] }
                let d = tau[i * x.columns + j] - ba
                sum += d * d
            }
        }
        return sum.squareRoot()
    }

    @Test func fixtureListsWeights() { #expect(Self.weights.count == 14) }

    @Test(arguments: weights, [LowRankFactorization.Method.exact, .randomized(seed: 0)])
    func withinTwoPercentOfOptimal(_ w: Weight, method: LowRankFactorization.Method) throws {
        let (tau, rows, columns) = try Self.delta(w.name)
        let x = try LowRankFactorization.factorize(tau, rows: rows, columns: columns, rank: w.rank, method: method, shown: w.name)
        #expect(x.rank == w.rank && x.b.count == rows * w.rank && x.a.count == w.rank * columns)
        let error = Self.residual(tau, x)
        #expect(error <= w.optimal * 1.02, "\(w.name) \(method): \(error) vs \(w.optimal)")
        #expect(error >= w.optimal * (1 - 1e-9), "\(w.name) \(method): \(error) below the optimum \(w.optimal)")
    }

    @Test func sameSeedSameBitsOtherSeedOtherBits() throws {
        let w = try #require(Self.weights.first)
        let (tau, rows, columns) = try Self.delta(w.name)
        let a = try LowRankFactorization.factorize(tau, rows: rows, columns: columns, rank: 4, method: .randomized(seed: 9), shown: "t")
        let b = try LowRankFactorization.factorize(tau, rows: rows, columns: columns, rank: 4, method: .randomized(seed: 9), shown: "t")
        let c = try LowRankFactorization.factorize(tau, rows: rows, columns: columns, rank: 4, method: .randomized(seed: 10), shown: "t")
        #expect(a == b)
        #expect(a != c)
    }

    /// An exactly rank-2 matrix is reproduced (to rounding) at rank 2 by both methods.
    @Test(arguments: [LowRankFactorization.Method.exact, .randomized(seed: 1)])
    func exactlyLowRankIsReproduced(_ method: LowRankFactorization.Method) throws {
        let rows = 30, columns = 50
        var tau = [Double](repeating: 0, count: rows * columns)
        for i in 0..<rows {
            for j in 0..<columns { tau[i * columns + j] = Double(i + 1) * Double(j % 7) - 0.5 * Double(i % 3) * Double(j) }
        }
        let x = try LowRankFactorization.factorize(tau, rows: rows, columns: columns, rank: 2, method: method, shown: "t")
        let norm = tau.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(Self.residual(tau, x) <= 1e-10 * norm)
    }

    @Test func rankIsClampedToTheSmallerDimension() throws {
        let tau = (0..<12).map { Double($0 * $0 % 5) }
        let x = try LowRankFactorization.factorize(tau, rows: 3, columns: 4, rank: 10, method: .randomized(seed: 0), shown: "t")
        #expect(x.rank == 3)
        #expect(Self.residual(tau, x) <= 1e-12 * 10)
    }

    @Test func rankBelowOneAndBadSizesAreRefused() {
        #expect(throws: MergeError.self) {
            try LowRankFactorization.factorize([1, 2, 3, 4], rows: 2, columns: 2, rank: 0, method: .exact, shown: "t")
        }
        #expect(throws: MergeError.self) {
            try LowRankFactorization.factorize([1, 2, 3], rows: 2, columns: 2, rank: 1, method: .exact, shown: "t")
        }
    }
}
