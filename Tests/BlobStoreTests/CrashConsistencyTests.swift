import BlobStore
import FileBlobStore
import LoomCore
import Foundation
import Testing

/// Tests that need a process of their own: `Fault` reads `LOOM_FAULT*` once per process, and a crash
/// at a fault point is a SIGKILL. The parent re-runs this test binary, filtered to ``childProcess()``,
/// with the environment set, then inspects the store the child left behind.
@Suite struct CrashConsistencyTests {
    static let ingestPoints = ["ingest.after-create", "ingest.mid-write", "ingest.after-fsync", "ingest.after-rename"]

    @Test(arguments: ingestPoints)
    func crashAtAnIngestStepLeavesNoPartialBlob(point: String) throws {
        let directory = try TemporaryDirectory()
        let bytes = pseudoRandomBytes(20_000_000)
        let source = try directory.file("model.bin", bytes)
        let root = directory.path + "/store"
        let child = try Child.run(mode: "ingest", root: root, source: source, environment: ["LOOM_FAULT": point])
        #expect(child.killed, "child should die at \(point): \(child.output)")

        let store = try FileSystemBlobStore(root: root)
        let digest = Digest(hashing: bytes)
        let blobs = try store.allBlobs()
        let leftovers = try store.ingestFiles()
        if point == "ingest.after-rename" {
            #expect(blobs.map(\.digest) == [digest])
            #expect(try store.verify(digest, size: Int64(bytes.count)) == .ok)
            #expect(leftovers.isEmpty)
        } else {
            #expect(blobs.isEmpty)
            #expect(leftovers.count == 1)
        }
        #expect(try store.strayFiles().isEmpty)
        // gc's job, done here: the leftover goes, and a fresh ingest of the same bytes works.
        for file in leftovers { try store.removeIngestFile(file.path) }
        #expect(try store.ingest(contentsOf: source).digest == digest)
        #expect(try store.verify(digest) == .ok)
    }

    @Test func crashBeforeUnlinkKeepsTheBlob() throws {
        let directory = try TemporaryDirectory()
        let root = directory.path + "/store"
        let digest = try FileSystemBlobStore(root: root).ingest(bytes: pseudoRandomBytes(1000)).digest
        let child = try Child.run(
            mode: "delete", root: root, source: digest.description, environment: ["LOOM_FAULT": "gc.before-unlink"])
        #expect(child.killed, "\(child.output)")
        #expect(try FileSystemBlobStore(root: root).verify(digest) == .ok)
    }

    @Test func fullDiskFromTheEnvironmentLeavesNothing() throws {
        let directory = try TemporaryDirectory()
        let source = try directory.file("model.bin", pseudoRandomBytes(5_000_000))
        let root = directory.path + "/store"
        let child = try Child.run(mode: "enospc", root: root, source: source, environment: ["LOOM_FAULT_ENOSPC_AFTER": "1048576"])
        #expect(child.status == 0, "\(child.output)")
        let store = try FileSystemBlobStore(root: root)
        #expect(try store.allBlobs().isEmpty)
        #expect(try store.ingestFiles().isEmpty)
    }

    @Test func twoProcessesIngestTheSameBytes() throws {
        let directory = try TemporaryDirectory()
        let bytes = pseudoRandomBytes(30_000_000)
        let source = try directory.file("model.bin", bytes)
        let root = directory.path + "/store"
        let children = try (0..<2).map { _ in try Child.start(mode: "ingest", root: root, source: source, environment: [:]) }
        for child in children {
            let finished = child.wait()
            #expect(finished.status == 0, "\(finished.output)")
        }
        let store = try FileSystemBlobStore(root: root)
        #expect(try store.allBlobs().map(\.digest) == [Digest(hashing: bytes)])
        #expect(try store.ingestFiles().isEmpty)
        #expect(try store.verify(Digest(hashing: bytes)) == .ok)
    }

    /// Runs only as a child of the tests above (LOOM_BLOBSTORE_CHILD set); skipped otherwise.
    @Test(.enabled(if: Child.mode != nil))
    func childProcess() throws {
        let environment = ProcessInfo.processInfo.environment
        let store = try FileSystemBlobStore(root: try #require(environment["LOOM_BLOBSTORE_ROOT"]))
        let argument = try #require(environment["LOOM_BLOBSTORE_SOURCE"])
        switch Child.mode {
        case "ingest":
            _ = try store.ingest(contentsOf: argument)
        case "delete":
            try store.delete(try #require(Digest(parsing: argument)))
        case "enospc":
            let error = try #require(throws: BlobStoreError.self) { try store.ingest(contentsOf: argument) }
            #expect(error.errno == ENOSPC && error.message.contains("No space left on device"))
        default:
            Issue.record("unknown child mode \(Child.mode ?? "")")
        }
    }
}

/// This test binary, re-run as a child process for one mode of ``CrashConsistencyTests/childProcess()``.
private struct Child {
    static var mode: String? { ProcessInfo.processInfo.environment["LOOM_BLOBSTORE_CHILD"] }

    let process: Process
    let log: String

    struct Finished {
        let status: Int32
        let killed: Bool
        let output: String
    }

    static func start(mode: String, root: String, source: String, environment: [String: String]) throws -> Child {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--testing-library", "swift-testing", "--filter", "childProcess"]
        var variables = ProcessInfo.processInfo.environment
        variables["LOOM_BLOBSTORE_CHILD"] = mode
        variables["LOOM_BLOBSTORE_ROOT"] = root
        variables["LOOM_BLOBSTORE_SOURCE"] = source
        variables["SWIFT_BACKTRACE"] = "enable=no"
        variables.merge(environment) { $1 }
        process.environment = variables
        let log = root + "-\(UUID().uuidString).log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return Child(process: process, log: log)
    }

    static func run(mode: String, root: String, source: String, environment: [String: String]) throws -> Finished {
        try start(mode: mode, root: root, source: source, environment: environment).wait()
    }

    func wait() -> Finished {
        process.waitUntilExit()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
        return Finished(status: process.terminationStatus, killed: killed, output: String(output.suffix(2000)))
    }
}
