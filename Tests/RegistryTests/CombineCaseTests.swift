import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Merge
import Safetensors
import Testing

@testable import Registry

/// One combination case of Tests/Fixtures/peft-v2/cases.json (an entry with `combine`).
struct CombineCase: CustomTestStringConvertible, Sendable {
    let name: String
    let base: String
    let adapters: [String]
    let weights: [Double]
    let dtype: String
    let changed: [String]
    let method: String
    let density: Double?
    let majoritySign: String?
    let seed: Int?

    var testDescription: String { name }

    var combination: CombineOptions {
        get throws {
            try BuildRequest.combination(method: method, density: density, majoritySign: majoritySign, seed: seed)
        }
    }

    static let all: [CombineCase] = {
        guard let data = FileManager.default.contents(atPath: Fixtures.v2Path("cases.json")),
            let items = try? JSONParser().parse(Array(data)).arrayValue
        else { return [] }
        return items.compactMap { item in
            guard let name = item["case"]?.stringValue, let base = item["base"]?.stringValue, let dtype = item["dtype"]?.stringValue,
                let combine = item["combine"], let method = combine["method"]?.stringValue
            else { return nil }
            return CombineCase(
                name: name, base: base, adapters: item["adapters"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                weights: item["weights"]?.arrayValue?.compactMap(\.doubleValue) ?? [], dtype: dtype,
                changed: item["changed"]?.arrayValue?.compactMap(\.stringValue) ?? [], method: method,
                density: combine["density"]?.doubleValue, majoritySign: combine["majority_sign"]?.stringValue,
                seed: combine["seed"]?.intValue)
        }
    }()

    /// Registers the case's base and adapters in `harness` and builds it as `loom build` does.
    func build(in harness: RegistryHarness, seed: Int? = nil) throws -> BuildResult {
        try harness.addBase(base, fixtures: Fixtures.v2Root)
        for adapter in adapters { try harness.addAdapter(adapter, fixtures: Fixtures.v2Root) }
        return try rebuild(in: harness, seed: seed)
    }

    /// Builds the case again in a harness that has its inputs (another seed, for DARE).
    func rebuild(in harness: RegistryHarness, seed: Int? = nil) throws -> BuildResult {
        let options = try BuildRequest.combination(method: method, density: density, majoritySign: majoritySign, seed: seed ?? self.seed)
        return try harness.registry.build(BuildRequest(
            target: .explicit(
                base: Reference(name: base),
                adapters: zip(adapters, weights).map { WeightedReference(reference: Reference(name: $0), weight: $1) }),
            dtype: ModelDType(parsing: dtype), combine: options))
    }
}

/// Every combination case of the second fixture set, built through the Registry as `loom build --combine`
/// does (spec §10.1). TIES and magnitude-prune: within one rounding of `exact/`. DARE, whose masks cannot
/// match torch's RNG: every changed element is W0 + Σ_{i∈S} wᵢ·Dᵢ/density for some subset S (Dᵢ from
/// `exact/<case>.parts`), each adapter keeping about `density` of its elements.
@Suite struct CombineCaseTests {
    @Test func everyCombineCaseIsListed() {
        #expect(CombineCase.all.map(\.name).sorted() == ["dare-linear-f32", "magnitude-prune-bf16", "ties-frequency-f32", "ties-total-bf16"])
    }

    @Test(arguments: CombineCase.all.filter { !$0.method.hasPrefix("dare") })
    func prunedCaseIsWithinOneRoundingOfExact(_ fixture: CombineCase) throws {
        let harness = try RegistryHarness()
        let result = try fixture.build(in: harness)
        #expect(!result.cached)
        let ours = try TensorFile(result.path + "/model.safetensors")
        let reference = try TensorFile(Fixtures.v2Path("reference/\(fixture.name)/model.safetensors"))
        let exact = try TensorFile(Fixtures.v2Path("exact/\(fixture.name).safetensors"))
        #expect(Set(ours.tensors.keys) == Set(reference.tensors.keys))
        for (name, ref) in reference.tensors {
            let o = try #require(ours.tensors[name], "missing \(name)")
            #expect(o.dtype == ref.dtype && o.shape == ref.shape, "\(name): \(o.dtype) \(o.shape) vs \(ref.dtype) \(ref.shape)")
            guard fixture.changed.contains(name) else {
                #expect(o.bytes == ref.bytes, "unchanged tensor \(name) differs from PEFT's copy")
                continue
            }
            let e = try #require(exact.tensors[name], "exact/ lacks \(name)")
            #expect(
                MergeBar.withinOneRounding(o.values, exact: e.values, dtype: o.dtype),
                "\(name): \(MergeBar.maxUlps(o.values, exact: e.values, dtype: o.dtype)) ulp from the float64 combination")
        }
    }

    @Test(arguments: CombineCase.all.filter { $0.method.hasPrefix("dare") })
    func dareCaseIsASubsetSumKeepingAboutDensity(_ fixture: CombineCase) throws {
        let harness = try RegistryHarness()
        let result = try fixture.build(in: harness)
        let ours = try TensorFile(result.path + "/model.safetensors")
        let base = try TensorFile(Fixtures.v2Path("bases/\(fixture.base)/model.safetensors"))
        let parts = try TensorFile(Fixtures.v2Path("exact/\(fixture.name).parts.safetensors"))
        let density = try #require(fixture.density)
        #expect(!fixture.changed.isEmpty)
        for name in fixture.changed {
            let o = try #require(ours.tensors[name], "missing \(name)")
            let w0 = try #require(base.tensors[name]).values
            let deltas = try fixture.adapters.indices.map { i in
                try #require(parts.tensors["\(i):\(name)"], "parts lack \(i):\(name)").values.enumerated().map { $0.element - w0[$0.offset] }
            }
            var kept = [Int](repeating: 0, count: deltas.count)
            for j in w0.indices {
                // The subset whose sum, rounded once, is nearest to what loom wrote.
                var best: (error: Double, subset: Int, value: Double) = (.infinity, 0, 0)
                for subset in 0..<(1 << deltas.count) {
                    var v = w0[j]
                    for i in deltas.indices where subset & (1 << i) != 0 { v += fixture.weights[i] * deltas[i][j] / density }
                    let error = abs(o.values[j] - v)
                    if error < best.error { best = (error, subset, v) }
                }
                #expect(
                    MergeBar.withinOneRounding([o.values[j]], exact: [best.value], dtype: o.dtype),
                    "\(name)[\(j)] = \(o.values[j]) is no subset sum (nearest \(best.value))")
                for i in deltas.indices where best.subset & (1 << i) != 0 { kept[i] += 1 }
            }
            for (i, k) in kept.enumerated() {
                let fraction = Double(k) / Double(w0.count)
                // Binomial: 4 standard deviations of the kept fraction.
                let slack = 4 * (density * (1 - density) / Double(w0.count)).squareRoot()
                #expect(abs(fraction - density) <= slack, "\(name): adapter \(i) keeps \(fraction) of its elements, not about \(density)")
            }
        }
    }

    @Test func dareSameSeedGivesTheSameBytesAndAnotherSeedAnotherKey() throws {
        let fixture = try #require(CombineCase.all.first { $0.method == "dare_linear" })
        // Two stores (harnesses kept alive: their directories go with them).
        let (one, two) = (try RegistryHarness(), try RegistryHarness())
        let first = try fixture.build(in: one)
        let second = try fixture.build(in: two)
        #expect(first.artifact.key == second.artifact.key)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: first.path + "/model.safetensors"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: second.path + "/model.safetensors")) == bytes)

        let harness = try RegistryHarness()
        let seven = try fixture.build(in: harness)
        let eight = try fixture.rebuild(in: harness, seed: 8)
        #expect(seven.artifact.key == first.artifact.key)
        #expect(eight.artifact.key != seven.artifact.key && !eight.cached)
        let a = try TensorFile(seven.path + "/model.safetensors")
        let b = try TensorFile(eight.path + "/model.safetensors")
        for name in fixture.changed { #expect(a.tensors[name]?.bytes != b.tensors[name]?.bytes, "\(name) is the same under seeds 7 and 8") }
    }

    @Test func optionsAreInTheKeyProvenanceAndStatement() throws {
        let fixture = try #require(CombineCase.all.first { $0.name == "ties-total-bf16" })
        let harness = try RegistryHarness()
        let ties = try fixture.build(in: harness)
        let recorded = try #require(try harness.registry.existingCatalog()?.artifact(key: ties.artifact.key))
        let expected: JSONValue = .object(["method": .string("ties"), "density": .double(0.5), "majority_sign": .string("total")])
        #expect(recorded.recipe["combine"] == expected)
        #expect(recorded.provenance["combine"] == expected)
        #expect(recorded.provenance["asked"]?["combine"] == expected)
        let statement = InTotoStatement.statement(for: recorded)
        let definition = statement["predicate"]?["buildDefinition"]
        #expect(definition?["externalParameters"]?["combine"] == expected)
        #expect(definition?["internalParameters"]?["recipe"]?["combine"] == expected)
        #expect(try TensorFile(ties.path + "/model.safetensors").metadata["loom.combine"] == JSONWriter.canonical.string(expected))

        // Linear keeps today's key: no combine member, the same key as a request that says nothing.
        let adapters = zip(fixture.adapters, fixture.weights).map { WeightedReference(reference: Reference(name: $0), weight: $1) }
        let plain = try harness.registry.build(BuildRequest(target: .explicit(base: Reference(name: fixture.base), adapters: adapters)))
        let linear = try harness.registry.build(BuildRequest(
            target: .explicit(base: Reference(name: fixture.base), adapters: adapters), combine: try CombineOptions(method: .linear)))
        #expect(linear.artifact.key == plain.artifact.key && linear.cached)
        #expect(plain.artifact.recipe["combine"] == nil)
        #expect(plain.artifact.key != ties.artifact.key)
        let frequency = try harness.registry.build(BuildRequest(
            target: .explicit(base: Reference(name: fixture.base), adapters: adapters),
            combine: try CombineOptions(method: .ties, density: 0.5, majoritySign: .frequency)))
        #expect(frequency.artifact.key != ties.artifact.key)
    }

    /// `verify --rebuild` reads the combination back from the recorded recipe: the rebuild is identical.
    @Test(arguments: ["ties-frequency-f32", "dare-linear-f32"])
    func rebuildOfACombinationIsIdentical(_ name: String) throws {
        let fixture = try #require(CombineCase.all.first { $0.name == name })
        let harness = try RegistryHarness()
        let built = try fixture.build(in: harness)
        let report = try harness.registry.rebuild(key: built.artifact.key)
        #expect(report.isIdentical, "\(report.files)")
        #expect(report.notes.contains { $0.hasPrefix("combination: \(fixture.method)") }, "\(report.notes)")
    }

    /// With one adapter, TIES's mean over the agreeing deltas is that delta: dare_ties writes dare_linear's
    /// tensors (same masks: same seed, digest and names) under another key.
    @Test func dareTiesOnOneAdapterIsDareLinearUnderAnotherKey() throws {
        let fixture = try #require(CombineCase.all.first { $0.method == "dare_linear" })
        let harness = try RegistryHarness()
        let linear = try fixture.build(in: harness)
        let ties = try harness.registry.build(BuildRequest(
            target: .explicit(
                base: Reference(name: fixture.base),
                adapters: zip(fixture.adapters, fixture.weights).map { WeightedReference(reference: Reference(name: $0), weight: $1) }),
            dtype: ModelDType(parsing: fixture.dtype),
            combine: try CombineOptions(method: .dareTies, density: fixture.density, seed: fixture.seed.map { UInt64($0) })))
        #expect(ties.artifact.key != linear.artifact.key && !ties.cached)
        let a = try TensorFile(linear.path + "/model.safetensors")
        let b = try TensorFile(ties.path + "/model.safetensors")
        for name in fixture.changed { #expect(a.tensors[name]?.bytes == b.tensors[name]?.bytes, "\(name)") }
    }
}
