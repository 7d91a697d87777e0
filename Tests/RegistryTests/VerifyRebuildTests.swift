import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// `verify --rebuild`: rebuild from the recorded sources into a scratch area, compare digests, and
/// measure differing tensors in ulps.
@Suite struct VerifyRebuildTests {
    let harness: RegistryHarness

    init() throws {
        harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        try harness.addAdapter("llama-qv-b")
    }

    var registry: Registry { harness.registry }

    func build(_ adapters: [(String, Double)], dtype: ModelDType? = nil) throws -> BuildResult {
        try registry.build(BuildRequest(
            target: .explicit(base: nil, adapters: adapters.map { WeightedReference(reference: Reference(name: $0.0), weight: $0.1) }),
            dtype: dtype))
    }

    func ingestEntries() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: registry.root + "/ingest")) ?? []
    }

    @Test(arguments: [ModelDType.bf16, .f16, .f32])
    func rebuildIsBitIdentical(dtype: ModelDType) throws {
        let built = try build([("llama-qv", 0.7), ("llama-qv-b", 0.3)], dtype: dtype)
        let blobsBefore = harness.blobFiles()
        let report = try registry.rebuild(key: built.artifact.key)
        #expect(report.isIdentical && report.maxUlps == nil)
        #expect(report.files.map(\.path) == (built.artifact.files ?? []).map(\.path))
        #expect(report.files.allSatisfy { $0.recorded == $0.rebuilt })
        #expect(ingestEntries().isEmpty, "the scratch area is removed")
        #expect(harness.blobFiles() == blobsBefore, "the store's blobs are untouched")
        #expect(try registry.writableCatalog().leases().isEmpty)
    }

    @Test func rebuildByKeyPrefixWorksAfterTheAdapterIsRenamedAway() throws {
        let built = try build([("llama-qv", 1)])
        // The same adapter under another name: the rebuild finds its sources by digest.
        try harness.addAdapter("llama-qv", as: "sql-prod")
        _ = try registry.remove(.adapter, Reference(name: "llama-qv"), cascade: false)
        let report = try registry.rebuild(key: String(built.artifact.key.dropFirst("sha256:".count).prefix(10)))
        #expect(report.isIdentical)
        #expect(report.notes.contains { $0.contains("sql-prod@1") })
    }

    @Test func goneSourcesAreNotFound() throws {
        let built = try build([("llama-qv", 1)])
        _ = try registry.remove(.adapter, Reference(name: "llama-qv"), cascade: false)
        #expect {
            try registry.rebuild(key: built.artifact.key)
        } throws: { error in
            let e = error as? RegistryError
            return e?.kind == .notFound && e?.message.contains("sources are gone") == true
        }
        #expect(ingestEntries().isEmpty)
    }

    @Test func unknownKeyIsNotFound() throws {
        _ = try build([("llama-qv", 1)])
        #expect { try registry.rebuild(key: String(repeating: "ab", count: 32)) } throws: { ($0 as? RegistryError)?.kind == .notFound }
    }

    /// The recorded weights are swapped for a copy with one element one ulp off (as a build on another
    /// CPU might produce): the rebuild names the file, the tensor and the distance.
    @Test func aDifferentRecordedFileIsReportedTensorByTensorInUlps() throws {
        let built = try build([("llama-qv", 1)], dtype: .bf16)
        let entry = try #require(built.artifact.files?.first { $0.path == "model.safetensors" })
        var bytes = try #require(FileManager.default.contents(atPath: built.path + "/model.safetensors")).map { $0 }
        let header = try SafetensorsFile.readHeader(atPath: built.path + "/model.safetensors")
        let name = "model.layers.0.self_attn.q_proj.weight"
        let tensor = try #require(header.tensor(named: name))
        let offset = header.fileRange(of: tensor).lowerBound + 2 * 5
        let bits = (UInt16(bytes[offset + 1]) << 8 | UInt16(bytes[offset])) ^ 1  // flips the last mantissa bit: one ulp
        bytes[offset] = UInt8(bits & 0xFF)
        bytes[offset + 1] = UInt8(bits >> 8)
        let altered = try registry.blobs.ingest(bytes: bytes)
        try Tampering.sql(
            registry.catalogPath,
            "UPDATE artifact_file SET digest = '\(altered.digest)' WHERE path = 'model.safetensors' AND digest = '\(entry.digest)'")

        let report = try registry.rebuild(key: built.artifact.key)
        #expect(!report.isIdentical && report.maxUlps == 1)
        let file = try #require(report.files.first { $0.path == "model.safetensors" })
        #expect(file.recorded == altered.digest.description && file.rebuilt == entry.digest)
        #expect(file.tensors == [TensorDifference(name: name, dtype: "BF16", differingElements: 1, maxUlps: 1)])
        #expect(report.files.filter(\.isIdentical).count == report.files.count - 1)
    }
}

/// The ulp measure behind `verify --rebuild`, on crafted values.
@Suite struct VerifyUlpDistanceTests {
    func f32(_ value: Float) -> UInt64 { UInt64(value.bitPattern) }

    @Test func neighboursAreOneUlpApart() {
        #expect(TensorComparison.distance(f32(1), f32(Float(1).nextUp), dtype: .f32) == 1)
        #expect(TensorComparison.distance(f32(-2), f32(Float(-2).nextDown), dtype: .f32) == 1)
        #expect(TensorComparison.distance(0x3F80, 0x3F82, dtype: .bf16) == 2)
        #expect(TensorComparison.distance(0x3C00, 0x3BFF, dtype: .f16) == 1)
        #expect(TensorComparison.distance(Double(1).bitPattern, Double(1).nextUp.bitPattern, dtype: .f64) == 1)
    }

    @Test func zeroesAreEqualAndDistancesCrossZero() {
        #expect(TensorComparison.distance(f32(0), f32(-0.0), dtype: .f32) == 0)
        let tiny = f32(Float.leastNonzeroMagnitude)
        #expect(TensorComparison.distance(tiny, f32(-Float.leastNonzeroMagnitude), dtype: .f32) == 2)
    }

    @Test func nanAgainstANumberIsInfinitelyFar() {
        #expect(TensorComparison.distance(f32(.nan), f32(1), dtype: .f32) == UInt64.max)
        #expect(TensorComparison.distance(f32(.nan), f32(.nan), dtype: .f32) == 0)
        #expect(TensorComparison.distance(0x7FC0, 0x3F80, dtype: .bf16) == UInt64.max)
        #expect(TensorComparison.distance(0x7C00, 0x7BFF, dtype: .f16) == 1)  // infinity and the largest finite
    }

    @Test func buffersCountDifferingElements() {
        let a: [Float] = [1, 2, 3, 4]
        let b: [Float] = [1, Float(2).nextUp, 3, Float(4).nextUp.nextUp.nextUp]
        let (differing, ulps) = a.withUnsafeBytes { x in b.withUnsafeBytes { y in TensorComparison.compare(x, y, dtype: .f32) } }
        #expect(differing == 2 && ulps == 3)
        let ints: [Int32] = [1, 2]
        let other: [Int32] = [1, 5]
        let (intDiffering, intUlps) = ints.withUnsafeBytes { x in other.withUnsafeBytes { y in TensorComparison.compare(x, y, dtype: .i32) } }
        #expect(intDiffering == 1 && intUlps == nil)
    }
}
