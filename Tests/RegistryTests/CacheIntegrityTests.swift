import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Registry

/// A cache hit does not serve an artifact blob that changed on disk: stats recorded at commit are
/// compared on every hit, a changed blob is rehashed, a corrupt one is dropped and rebuilt; `--verify`
/// rehashes everything; `verify --rebuild` compares with the bytes on disk (issue 9, item 3).
@Suite struct CacheIntegrityTests {
    let harness: RegistryHarness
    var registry: Registry { harness.registry }

    init() throws {
        harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
    }

    func build(verify: Bool = false) throws -> BuildResult {
        try registry.build(BuildRequest(target: .named(Reference(name: "llama-qv")), verify: verify))
    }

    /// The merged weights: a blob only the artifact holds.
    func mergedWeights(_ built: BuildResult) throws -> (entry: FileEntry, path: String) {
        let entry = try #require(built.artifact.files?.first { $0.path == "model.safetensors" })
        return (entry, registry.blobs.path(of: try #require(Digest(parsing: entry.digest))))
    }

    func sha256(_ path: String) throws -> String {
        Digest(hashing: try #require(FileManager.default.contents(atPath: path))).description
    }

    /// Sets a file's mtime to exactly `time` (nanoseconds included), as a careful tamperer would.
    func setModified(_ path: String, to time: timespec) throws {
        var times = [time, time]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
    }

    func modified(_ path: String) -> timespec {
        var info = stat()
        _ = stat(path, &info)
        return info.st_mtim
    }

    @Test func aFlippedArtifactBlobIsRebuiltNotServed() throws {
        let built = try build()
        let (entry, path) = try mergedWeights(built)
        try Tampering.flipByte(of: path, at: UInt64(entry.size - 1))
        #expect(try registry.verify().findings.contains { $0.kind == .blob && $0.digest == entry.digest }, "verify reports it")

        let again = try build()
        #expect(!again.cached, "a blob whose stats changed is rehashed, found corrupt and rebuilt")
        #expect(again.artifact.key == built.artifact.key && again.artifact.files == built.artifact.files)
        #expect(try sha256(path) == entry.digest, "the rebuild wrote the right bytes under the blob's name")
        #expect(again.notes.contains { $0.contains(entry.digest) && $0.contains("corrupt") }, "\(again.notes)")
        #expect(try registry.verify().isClean)
        #expect(try build().cached)
    }

    @Test func aTouchedButIntactBlobIsRehashedOnceAndServed() throws {
        let built = try build()
        let (entry, path) = try mergedWeights(built)
        try setModified(path, to: timespec(tv_sec: 1_000_000_000, tv_nsec: 0))
        let hit = try build()
        #expect(hit.cached)
        let digest = try #require(Digest(parsing: entry.digest))
        let status = try #require(registry.blobs.status(of: digest))
        let recorded = try registry.writableCatalog().artifactBlobStats(artifactID: built.artifact.id)[entry.digest]
        #expect(recorded == BlobStat(status), "the new stats are recorded: the next hit does not rehash")
    }

    /// A corruption that keeps size, mtime and inode passes the cheap check (documented); `--verify` catches it.
    @Test func buildVerifyRehashesWhatTheStatsCannotSee() throws {
        let built = try build()
        let (entry, path) = try mergedWeights(built)
        let time = modified(path)
        try Tampering.flipByte(of: path, at: UInt64(entry.size - 1))
        try setModified(path, to: time)
        #expect(try build().cached, "stats alone cannot see this one")

        let verified = try build(verify: true)
        #expect(!verified.cached)
        #expect(try sha256(path) == entry.digest)
        let hit = try build(verify: true)
        #expect(hit.cached && hit.notes.contains { $0.contains("all intact") })
    }

    @Test func artifactsWithoutStatsStillHitAndGetThemFromVerify() throws {
        let built = try build()
        try Tampering.sql(registry.catalogPath, "UPDATE artifact_file SET blob_mtime_ns = NULL, blob_inode = NULL")
        #expect(try registry.writableCatalog().artifactBlobStats(artifactID: built.artifact.id).isEmpty)
        #expect(try build().cached)
        #expect(try build(verify: true).cached)
        let stats = try registry.writableCatalog().artifactBlobStats(artifactID: built.artifact.id)
        #expect(stats.count == Set((built.artifact.files ?? []).map(\.digest)).count, "--verify records what it rehashed")
    }

    /// The blob is also the base's (generation_config.json is reused): the artifact is dropped, the blob
    /// stays (the base's row still names it), and the rebuild fails naming the base's file.
    @Test func aCorruptBlobSharedWithTheBaseIsNotServedAndNotRemoved() throws {
        let built = try build()
        let shared = try #require(built.artifact.files?.first { $0.path == "generation_config.json" })
        let path = registry.blobs.path(of: try #require(Digest(parsing: shared.digest)))
        try Tampering.flipByte(of: path, at: 1)
        expectRegistryError(.io, mentioning: [shared.digest, "base llama-tiny@1", "generation_config.json"]) { _ = try build() }
        #expect(try harness.state().artifacts.isEmpty)
        #expect(FileManager.default.fileExists(atPath: path))
    }

    @Test func verifyRebuildComparesWithTheBytesOnDisk() throws {
        let built = try build()
        let (entry, path) = try mergedWeights(built)
        try Tampering.flipByte(of: path, at: UInt64(entry.size - 1))
        let report = try registry.rebuild(key: built.artifact.key)
        #expect(!report.isIdentical)
        let file = try #require(report.files.first { $0.path == "model.safetensors" })
        #expect(file.recorded == entry.digest && file.rebuilt == entry.digest)
        #expect(file.onDisk == (try sha256(path)) && file.onDisk != entry.digest)
        #expect(file.discrepancy?.contains("on disk are corrupt") == true, "\(file.discrepancy ?? "nil")")
        #expect(file.tensors.count == 1, "the flipped tensor is named: \(file.tensors)")
        #expect(report.files.filter(\.isIdentical).count == report.files.count - 1)
    }
}
