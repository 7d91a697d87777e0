import LoomBackends
import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomBackends
import LoomTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Registry

/// `verify`: findings by kind (blob, reference, integrity, chain) and garbage that is not a finding.
@Suite struct VerifyTests {
    let harness: RegistryHarness
    let built: BuildResult

    init() throws {
        harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        try harness.addAdapter("llama-qv-b")
        built = try harness.registry.build(BuildRequest(target: .named(Reference(name: "llama-qv"))))
    }

    var registry: Registry { harness.registry }

    /// The blob of a file of the built artifact (not shared with the base: the merge changed it).
    func artifactBlob(_ path: String = "model.safetensors") throws -> Digest {
        let entry = try #require(built.artifact.files?.first { $0.path == path })
        return try #require(Digest(parsing: entry.digest))
    }

    @Test func cleanStoreHasNoFindings() throws {
        let report = try registry.verify()
        #expect(report.isClean && report.findingBits == 0)
        #expect(report.findings.isEmpty && report.garbage.isEmpty)
        #expect(report.blobsChecked == harness.blobFiles().count)
        #expect(report.referencesChecked > 0)
    }

    @Test func missingStoreIsCleanAndStaysMissing() throws {
        let directory = try TemporaryDirectory(prefix: "loom-verify-empty")
        let empty = try StoreBackends.registry(root: directory.path + "/Store")
        let report = try empty.verify()
        #expect(report.isClean && report.garbage.isEmpty && report.blobsChecked == 0)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/Store"))
    }

    /// Sets the modification time of `path` to `seconds` ago (not following a symlink).
    func age(_ path: String, by seconds: TimeInterval) {
        let time = Date().addingTimeInterval(-seconds).timeIntervalSince1970.rounded(.down)
        var times = [timespec(tv_sec: Int(time), tv_nsec: 0), timespec(tv_sec: Int(time), tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0, "utimensat \(path)")
    }

    @Test func garbageIsCollectableAndNotAFinding() throws {
        let stray = try registry.blobs.ingest(bytes: Array("nobody refers to me".utf8))
        age(registry.blobs.path(of: stray.digest), by: 2 * 3600)
        let ingest = registry.root + "/ingest"
        try FileManager.default.createDirectory(atPath: ingest, withIntermediateDirectories: true)
        // No process has this pid (it is above Linux's pid_max), so the writer is gone.
        let leftover = ingest + "/2147483000-00000000deadbeef.part"
        try Data(repeating: 7, count: 100).write(to: URL(fileURLWithPath: leftover))
        age(leftover, by: 2 * 3600)
        let catalog = try registry.writableCatalog()
        _ = try catalog.acquireLease(name: "build:sha256:" + String(repeating: "0", count: 64), ttl: .milliseconds(1))
        Thread.sleep(forTimeInterval: 0.01)

        let report = try registry.verify()
        #expect(report.isClean && report.findingBits == 0)
        #expect(report.garbage.unreferencedBlobs == [VerifyReport.Blob(digest: stray.digest.description, size: stray.size)])
        #expect(report.garbage.staleIngestFiles.map(\.path) == [leftover])
        #expect(report.garbage.deadLeases.map(\.name) == ["build:sha256:" + String(repeating: "0", count: 64)])
        #expect(report.garbage.bytes == stray.size + 100)
    }

    /// verify's "collectable" is exactly what `loom gc` with its default options would collect: leftovers
    /// younger than the grace period are not listed (gc would keep them), and the bytes agree with a dry run.
    @Test func collectableGarbageFollowsTheRulesOfGC() throws {
        let fresh = try registry.blobs.ingest(bytes: Array("written a moment ago".utf8))
        let old = try registry.blobs.ingest(bytes: Array("written long ago".utf8))
        age(registry.blobs.path(of: old.digest), by: 2 * 3600)
        let ingest = registry.root + "/ingest"
        try FileManager.default.createDirectory(atPath: ingest, withIntermediateDirectories: true)
        // A fresh ingest file whose writer is gone: collectable at once, without grace.
        let abandoned = ingest + "/2147483000-0000000000000001.part"
        try Data(repeating: 7, count: 10).write(to: URL(fileURLWithPath: abandoned))

        let report = try registry.verify()
        let plan = try registry.collectGarbage(GCOptions(dryRun: true))
        #expect(report.garbage.unreferencedBlobs.map(\.digest) == [old.digest.description])
        #expect(!report.garbage.unreferencedBlobs.contains { $0.digest == fresh.digest.description })
        #expect(report.garbage.staleIngestFiles.map(\.path) == [abandoned])
        #expect(report.garbage.unreferencedBlobs.map(\.digest) == plan.blobs.map(\.digest))
        #expect(report.garbage.staleIngestFiles.map(\.path) == plan.ingest.map(\.path))
        #expect(report.garbage.bytes == plan.bytesFreed)

        // While a lease is live gc sweeps nothing, so nothing is collectable.
        _ = try registry.writableCatalog().acquireLease(name: "build:sha256:" + String(repeating: "1", count: 64), ttl: .seconds(60))
        let leased = try registry.verify()
        #expect(leased.garbage.isEmpty && leased.liveLeases.count == 1)
    }

    @Test func aLiveWritersIngestFileIsNotGarbage() throws {
        let ingest = registry.root + "/ingest"
        try FileManager.default.createDirectory(atPath: ingest, withIntermediateDirectories: true)
        try Data(repeating: 1, count: 10).write(to: URL(fileURLWithPath: ingest + "/\(getpid())-0000000000000001.part"))
        #expect(try registry.verify().garbage.staleIngestFiles.isEmpty)
    }

    @Test func flippedByteFailsAndNamesTheBlob() throws {
        let digest = try artifactBlob()
        try Tampering.flipByte(of: registry.blobs.path(of: digest), at: 100)
        let report = try registry.verify()
        #expect(report.findingBits == VerifyReport.Kind.blob.rawValue)
        let finding = try #require(report.findings.only)
        #expect(finding.kind == .blob && finding.digest == digest.description)
        #expect(finding.message.contains(digest.description))
    }

    @Test func strayFileUnderBlobsIsABlobFinding() throws {
        let stray = registry.root + "/blobs/sha256/notes.txt"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: stray))
        let report = try registry.verify()
        #expect(report.findingBits == VerifyReport.Kind.blob.rawValue)
        #expect(report.findings.only?.path == stray)
    }

    /// A missing blob is a reference finding (kind 2), one per file row that needs it: the blob walk
    /// only sees files that exist, and the rows say who is affected.
    @Test func deletedBlobIsAReferenceFindingNamingOwnerAndPath() throws {
        let adapter = try #require(try registry.writableCatalog().adapter(name: "llama-qv"))
        let weights = try #require(try registry.writableCatalog().adapterFiles(adapterID: adapter.id).first { $0.path == "adapter_model.safetensors" })
        try registry.blobs.delete(try #require(Digest(parsing: weights.digest)))
        let report = try registry.verify()
        #expect(report.findingBits == VerifyReport.Kind.reference.rawValue)
        let finding = try #require(report.findings.only)
        #expect(finding.owner == "adapter llama-qv@1" && finding.path == "adapter_model.safetensors")
        #expect(finding.digest == weights.digest && finding.message.contains(weights.digest))
        #expect(finding.message.contains("missing"))
    }

    @Test func sharedMissingBlobIsReportedForEveryHolder() throws {
        let catalog = try registry.writableCatalog()
        let base = try #require(try catalog.base(name: "llama-tiny"))
        let generation = try #require(try catalog.baseFiles(baseID: base.id).first { $0.path == "generation_config.json" })
        try registry.blobs.delete(try #require(Digest(parsing: generation.digest)))
        let owners = try registry.verify().findings.compactMap(\.owner)
        #expect(Set(owners) == ["base llama-tiny@1", "artifact \(built.artifact.key)"])
    }

    @Test func wrongRecordedSizeIsAReferenceFinding() throws {
        try Tampering.sql(
            registry.catalogPath, "UPDATE artifact_file SET size = size + 1 WHERE path = 'model.safetensors'")
        let report = try registry.verify()
        #expect(report.findingBits == VerifyReport.Kind.reference.rawValue)
        #expect(report.findings.only?.owner == "artifact \(built.artifact.key)")
        #expect(report.findings.only?.message.contains("catalog records") == true)
    }

    @Test func foreignKeyViolationIsAnIntegrityFinding() throws {
        try Tampering.sql(
            registry.catalogPath,
            "INSERT INTO artifact_input (artifact_id, position, adapter_digest, weight) VALUES (4242, 0, 'sha256:00', 1.0)")
        let report = try registry.verify()
        #expect(report.findingBits == VerifyReport.Kind.integrity.rawValue)
        #expect(report.findings.only?.message.contains("artifact_input") == true)
    }

    @Test func editedEventFailsAndNamesItsSeq() throws {
        try Tampering.sql(
            registry.catalogPath,
            """
            DROP TRIGGER event_is_append_only_update;
            UPDATE event SET detail = '{"name":"llama-qv","version":2}' WHERE seq = 2;
            """)
        let report = try registry.verify()
        #expect(report.findingBits == VerifyReport.Kind.chain.rawValue)
        let finding = try #require(report.findings.only)
        #expect(finding.kind == .chain && finding.seq == 2 && finding.message.contains("event 2"))
    }

    @Test func deletedMiddleEventFails() throws {
        try Tampering.sql(registry.catalogPath, "DROP TRIGGER event_is_append_only_delete; DELETE FROM event WHERE seq = 2;")
        let report = try registry.verify()
        #expect(report.findingBits == VerifyReport.Kind.chain.rawValue)
        #expect(report.findings.contains { $0.seq == 3 })
    }

    @Test func reorderedEventsFail() throws {
        try Tampering.sql(
            registry.catalogPath,
            """
            DROP TRIGGER event_is_append_only_update;
            UPDATE event SET seq = -seq WHERE seq IN (2, 3);
            UPDATE event SET seq = 3 WHERE seq = -2;
            UPDATE event SET seq = 2 WHERE seq = -3;
            """)
        #expect(try registry.verify().findingBits == VerifyReport.Kind.chain.rawValue)
    }

    @Test func kindsAddUpInTheExitBits() throws {
        try Tampering.flipByte(of: registry.blobs.path(of: try artifactBlob()))
        try Tampering.sql(registry.catalogPath, "DROP TRIGGER event_is_append_only_update; UPDATE event SET actor = 'mallory' WHERE seq = 1;")
        let report = try registry.verify()
        #expect(report.kinds == [.blob, .chain] && report.findingBits == 9)
    }

    @Test func progressCoversEveryBlobByte() throws {
        let progress = RecordingProgress()
        let report = try registry.verify(progress: progress)
        #expect(progress.totals == [report.bytesChecked] && progress.last == report.bytesChecked)
    }
}

extension Array {
    /// The single element, or nil when there are none or several.
    var only: Element? { count == 1 ? first : nil }
}

/// Records what a long operation reports.
final class RecordingProgress: ProgressSink, @unchecked Sendable {
    // @unchecked: tests call it from one thread at a time.
    private(set) var totals: [Int64] = []
    private(set) var last: Int64 = 0

    func begin(_ label: String, total: Int64) { totals.append(total) }
    func advance(to completed: Int64) { last = completed }
    func end() {}
    func note(_ message: String) {}
}
