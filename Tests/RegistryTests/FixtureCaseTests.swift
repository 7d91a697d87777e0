import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// One entry of Tests/Fixtures/peft/cases.json.
struct FixtureCase: CustomTestStringConvertible, Sendable {
    let name: String
    let base: String
    let adapters: [String]
    let weights: [Double]
    let dtype: String
    let changed: [String]

    var testDescription: String { name }

    static let all: [FixtureCase] = {
        guard let data = FileManager.default.contents(atPath: Fixtures.path("cases.json")),
            let items = try? JSONParser().parse(Array(data)).arrayValue
        else { return [] }
        return items.compactMap { item in
            guard let name = item["case"]?.stringValue, let base = item["base"]?.stringValue, let dtype = item["dtype"]?.stringValue
            else { return nil }
            return FixtureCase(
                name: name, base: base, adapters: item["adapters"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                weights: item["weights"]?.arrayValue?.compactMap(\.doubleValue) ?? [], dtype: dtype,
                changed: item["changed"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
    }()
}

/// Every PEFT fixture case, built through the Registry exactly as `loom build` does, is within one rounding
/// of the float64 merge (`exact/`: 16-bit dtypes within one ulp, f32 within 4·2⁻²⁴ of the tensor's largest
/// magnitude), whatever PEFT's own error (`reference/` only settles names, shapes, dtypes and the
/// tensors a merge leaves alone).
@Suite struct FixtureCaseTests {
    @Test func everyCaseIsListed() {
        #expect(FixtureCase.all.count == 12)
    }

    @Test(arguments: FixtureCase.all)
    func caseMeetsTheBar(_ fixture: FixtureCase) throws {
        let harness = try RegistryHarness()
        try harness.addBase(fixture.base)
        for adapter in fixture.adapters { try harness.addAdapter(adapter) }
        let request = BuildRequest(
            target: .explicit(
                base: Reference(name: fixture.base),
                adapters: zip(fixture.adapters, fixture.weights).map { WeightedReference(reference: Reference(name: $0), weight: $1) }),
            dtype: ModelDType(parsing: fixture.dtype))
        let result = try harness.registry.build(request)
        #expect(!result.cached)

        let ours = try TensorFile(result.path + "/model.safetensors")
        let reference = try TensorFile(Fixtures.path("reference/\(fixture.name)/model.safetensors"))
        let exact = try TensorFile(Fixtures.path("exact/\(fixture.name).safetensors"))
        #expect(ours.metadata["format"] == "pt")
        #expect(ours.metadata["loom.key"] == result.artifact.key)
        #expect(Set(ours.tensors.keys) == Set(reference.tensors.keys))
        for (name, ref) in reference.tensors {
            let o = try #require(ours.tensors[name], "missing \(name)")
            #expect(o.dtype == ref.dtype && o.shape == ref.shape, "\(name): \(o.dtype) \(o.shape) vs \(ref.dtype) \(ref.shape)")
            #expect(o.values.allSatisfy { $0.isFinite }, "\(name) has NaN/Inf")
            guard fixture.changed.contains(name) else {
                #expect(o.bytes == ref.bytes, "unchanged tensor \(name) differs from PEFT's copy")
                continue
            }
            let e = try #require(exact.tensors[name], "exact/ lacks \(name)")
            #expect(
                MergeBar.withinOneRounding(o.values, exact: e.values, dtype: o.dtype),
                "\(name): \(MergeBar.maxUlps(o.values, exact: e.values, dtype: o.dtype)) ulp, max error \(MergeBar.maxError(o.values, e.values)), from the float64 merge")
        }
    }
}
