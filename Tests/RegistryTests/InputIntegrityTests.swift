import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// A build rehashes every input blob while it merges: a flipped byte in a base or adapter blob (or in an
/// output blob the store already had) stops the build before the artifact is committed, naming the blob
/// and whose file it is (issue 9, item 2).
@Suite struct InputIntegrityTests {
    let harness: RegistryHarness
    var registry: Registry { harness.registry }

    init() throws {
        harness = try RegistryHarness()
    }

    func build(_ adapter: String = "llama-qv", base: String? = nil) throws -> BuildResult {
        try registry.build(BuildRequest(
            target: .explicit(base: base.map { Reference(name: $0) }, adapters: [WeightedReference(reference: Reference(name: adapter), weight: 1)])))
    }

    func baseFile(_ base: BaseRecord, _ path: String) throws -> FileEntry {
        try #require(try registry.writableCatalog().baseFiles(baseID: base.id).first { $0.path == path })
    }

    func blobPath(_ entry: FileEntry) throws -> String {
        registry.blobs.path(of: try #require(Digest(parsing: entry.digest)))
    }

    /// Builds must fail naming `entry`'s blob and `owner`, leave no artifact, and `verify` must report the blob.
    func expectRefused(naming entry: FileEntry, owner: String, base: String? = nil) throws {
        let before = try harness.state()
        expectRegistryError(.io, mentioning: [entry.digest, owner, entry.path, "nothing was committed"]) { _ = try build(base: base) }
        #expect(try harness.state().artifacts.isEmpty, "no artifact is committed")
        #expect(try harness.state().bases == before.bases)
        #expect(try registry.writableCatalog().leases().isEmpty)
        let report = try registry.verify()
        #expect(report.findings.contains { $0.kind == .blob && $0.digest == entry.digest }, "\(report.findings)")
    }

    @Test func aFlippedByteInTheBaseWeightsStopsTheBuild() throws {
        let base = try harness.addBase("llama-tiny").record
        try harness.addAdapter("llama-qv")
        let weights = try baseFile(base, "model.safetensors")
        try Tampering.flipByte(of: try blobPath(weights), at: UInt64(weights.size - 3))
        try expectRefused(naming: weights, owner: "base llama-tiny@1")
    }

    /// The documented repair: delete the corrupt blob file, register the same directory again, build.
    @Test func deletingTheCorruptBlobAndRegisteringAgainRepairsTheBase() throws {
        let base = try harness.addBase("llama-tiny").record
        try harness.addAdapter("llama-qv")
        let weights = try baseFile(base, "model.safetensors")
        try Tampering.flipByte(of: try blobPath(weights), at: UInt64(weights.size - 3))
        expectRegistryError(.io, mentioning: [weights.digest, "delete that blob file and register it again"]) { _ = try build() }
        try FileManager.default.removeItem(atPath: try blobPath(weights))
        #expect(try harness.addBase("llama-tiny").created == false)
        #expect(try build().cached == false)
        #expect(try registry.verify().isClean)
    }

    /// A tensor the merge copies as it is into the rewritten shard (no adapter touches the embedding).
    @Test func aFlippedByteInACopiedTensorStopsTheBuild() throws {
        let base = try harness.addBase("llama-tiny").record
        try harness.addAdapter("llama-qv")
        let weights = try baseFile(base, "model.safetensors")
        let header = try SafetensorsFile.readHeader(atPath: try blobPath(weights))
        let embedding = try #require(header.tensor(named: "model.embed_tokens.weight"))
        try Tampering.flipByte(of: try blobPath(weights), at: UInt64(header.fileRange(of: embedding).lowerBound + 5))
        try expectRefused(naming: weights, owner: "base llama-tiny@1")
    }

    /// generation_config.json is not read by the merge at all: its blob is reused as it is.
    @Test func aCorruptReusedBaseFileIsNotCommitted() throws {
        let base = try harness.addBase("llama-tiny").record
        try harness.addAdapter("llama-qv")
        let reused = try baseFile(base, "generation_config.json")
        try Tampering.flipByte(of: try blobPath(reused), at: 1)
        try expectRefused(naming: reused, owner: "base llama-tiny@1")
    }

    /// A shard with no adapted tensor is copied whole into the artifact (its blob reused): it is checked too.
    @Test func aCorruptReusedShardIsNotCommitted() throws {
        let names = try SafetensorsFile.readHeader(atPath: Fixtures.path("bases/llama-tiny/model.safetensors")).tensors.map(\.name)
        let adapted = names.filter { $0.contains("q_proj") || $0.contains("v_proj") }
        let untouched = names.filter { !adapted.contains($0) }
        var map: [String: String] = [:]
        for name in adapted { map[name] = ShardedBaseTests.first }
        for name in untouched { map[name] = ShardedBaseTests.second }
        let directory = try ShardedBaseTests().writeSharded(
            harness, name: "sharded", shards: [ShardedBaseTests.first: adapted, ShardedBaseTests.second: untouched], weightMap: map)
        let base = try registry.registerBase(directory: directory, name: "sharded").record
        try harness.addAdapter("llama-qv", base: "sharded")
        let shard = try baseFile(base, ShardedBaseTests.second)
        // First check that this shard really is reused as it is.
        let clean = try build(base: "sharded")
        #expect(clean.artifact.files?.contains { $0.path == shard.path && $0.digest == shard.digest } == true)
        _ = try registry.writableCatalog().deleteArtifact(key: clean.artifact.key, reason: "test")
        try Tampering.flipByte(of: try blobPath(shard), at: UInt64(shard.size - 1))
        try expectRefused(naming: shard, owner: "base sharded@1", base: "sharded")
    }

    @Test func aFlippedByteInTheAdapterWeightsStopsTheBuild() throws {
        try harness.addBase("llama-tiny")
        let adapter = try harness.addAdapter("llama-qv").record
        let weights = try #require(try registry.writableCatalog().adapterFiles(adapterID: adapter.id).first { $0.path == "adapter_model.safetensors" })
        try Tampering.flipByte(of: try blobPath(weights), at: UInt64(weights.size - 2))
        try expectRefused(naming: weights, owner: "adapter llama-qv@1")
    }

    /// An output the store already had (left by a removed artifact) is not trusted blindly either.
    @Test func aCorruptPreexistingOutputBlobIsNotCommitted() throws {
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        let built = try build()
        let merged = try #require(built.artifact.files?.first { $0.path == "model.safetensors" })
        _ = try registry.writableCatalog().deleteArtifact(key: built.artifact.key, reason: "test")
        try Tampering.flipByte(of: try blobPath(merged), at: UInt64(merged.size - 1))
        expectRegistryError(.io, mentioning: [merged.digest, "model.safetensors", "already in the store", "run the build again"]) {
            _ = try build()
        }
        #expect(try harness.state().artifacts.isEmpty)
        let again = try build()
        #expect(again.artifact.files == built.artifact.files, "the corrupt output was removed and written anew")
        #expect(try registry.verify().isClean)
    }

    @Test func anIntactBuildRecordsTheStatsOfEveryBlob() throws {
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        let built = try build()
        let stats = try registry.writableCatalog().artifactBlobStats(artifactID: built.artifact.id)
        for file in built.artifact.files ?? [] {
            let digest = try #require(Digest(parsing: file.digest))
            let status = try #require(registry.blobs.status(of: digest))
            #expect(stats[file.digest] == BlobStat(status), "\(file.path)")
        }
    }
}
