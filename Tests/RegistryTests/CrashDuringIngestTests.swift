import LoomBackends
import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomBackends
import Logging
import LoomJSON
import LoomTesting
import Safetensors
import Testing

@testable import Registry

#if canImport(Glibc)
import Glibc
#endif

/// The real `loom` binary killed while `base add` copies a large file, or at each fault point of the
/// ingest and the catalog commit: no catalog row for the half-registered base, every file under
/// `blobs/` hashes to its name, and the next `base add` succeeds.
@Suite(.serialized) struct CrashDuringIngestTests {
    /// The `loom` executable built beside this test bundle.
    static let loom: String? = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
        let candidates = [
            exe.appendingPathComponent("loom").path,
            Bundle.main.bundleURL.appendingPathComponent("loom").path,
            Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("loom").path,
            Fixtures.packageRoot + "/.build/debug/loom",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Starts `loom --store <store> base add <directory> --name <name>`; stdout and stderr go to `log`.
    static func startBaseAdd(store: String, directory: String, name: String, log: String, fault: String? = nil) throws -> Process {
        let binary = try #require(loom, "no loom executable next to the test bundle; run `swift build` first")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--store", store, "base", "add", directory, "--name", name]
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment["LOOM_FAULT"] = fault
        environment["LOOM_FAULT_ENOSPC_AFTER"] = nil
        environment["LOOM_STORE"] = nil
        process.environment = environment
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try output.close()
        return process
    }

    static func logText(_ log: String) -> String {
        (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    }

    /// No row for `name`, every blob hashes to its name, nothing stray under blobs/.
    static func expectConsistent(_ harness: RegistryHarness, without name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        // A fresh registry: the child may have created the catalog after ours looked.
        let registry = try StoreBackends.registry(root: harness.root, logger: Logger(label: "test"))
        #expect(try !registry.list().bases.contains { $0.name == name }, "a row for \(name) survived the crash", sourceLocation: sourceLocation)
        let store = try StoreBackends.blobStore(root: harness.root)
        for blob in try store.allBlobs() {
            #expect(try store.verify(blob.digest) == .ok, "blob \(blob.digest) does not hash to its name", sourceLocation: sourceLocation)
        }
        #expect(try store.strayFiles().isEmpty, "stray files under blobs/", sourceLocation: sourceLocation)
    }

    /// Runs `base add` to completion and checks that it registered `name`@1 with intact blobs.
    static func expectBaseAddSucceeds(_ harness: RegistryHarness, directory: String, name: String) throws {
        let log = harness.scratch("retry.log")
        let process = try startBaseAdd(store: harness.root, directory: directory, name: name, log: log)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 0, "base add after the crash failed: \(logText(log))")
        let registry = try StoreBackends.registry(root: harness.root, logger: Logger(label: "test"))
        guard case .base(let record, let files, _, _) = try registry.show(name) else {
            Issue.record("\(name) is not registered after the retry")
            return
        }
        #expect(record.version == 1)
        let store = try StoreBackends.blobStore(root: harness.root)
        for file in files {
            let digest = try #require(Digest(parsing: file.digest))
            #expect(try store.verify(digest, size: file.size) == .ok, "\(file.path)")
            let source = try FileManager.default.attributesOfItem(atPath: directory + "/" + file.path)[.size] as? NSNumber
            #expect(source?.int64Value == file.size, "\(file.path)")
        }
    }

    /// A base directory whose model.safetensors holds one F32 tensor of `megabytes` MiB of varied bytes.
    static func writeLargeBase(_ directory: String, megabytes: Int) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try fm.copyItem(atPath: Fixtures.path("bases/llama-tiny/config.json"), toPath: directory + "/config.json")
        let chunk = 8 << 20
        let layout = try SafetensorsLayout(tensors: [("model.embed_tokens.weight", .f32, [megabytes << 18])])
        let path = directory + "/model.safetensors"
        _ = fm.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.write(contentsOf: Data(layout.headerBytes))
        var bytes = [UInt8](repeating: 0, count: chunk)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<chunk / 8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            withUnsafeBytes(of: (state >> 33).littleEndian) { bytes.replaceSubrange(i * 8..<i * 8 + 8, with: $0) }
        }
        for piece in 0..<(megabytes << 20) / chunk {
            withUnsafeBytes(of: UInt64(piece)) { bytes.replaceSubrange(0..<8, with: $0) }
            try handle.write(contentsOf: Data(bytes))
        }
        #expect(try handle.offset() == UInt64(layout.fileSize))
    }

    @Test(.timeLimit(.minutes(5)))
    func killingBaseAddMidwayLeavesNoRowAndTheNextAddSucceeds() throws {
        let harness = try RegistryHarness()
        try harness.addBase("gpt2-tiny")
        let directory = harness.scratch("big")
        let megabytes = 512
        try Self.writeLargeBase(directory, megabytes: megabytes)
        let log = harness.scratch("add.log")
        let process = try Self.startBaseAdd(store: harness.root, directory: directory, name: "big", log: log)

        // Wait for the large file to be part-way into ingest/, then kill.
        let ingest = harness.root + "/ingest"
        var killedAt: Int64?
        let deadline = Date().addingTimeInterval(120)
        while process.isRunning, killedAt == nil, Date() < deadline {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: ingest)) ?? [] {
                var st = stat()
                guard stat(ingest + "/" + name, &st) == 0, st.st_size >= 24 << 20 else { continue }
                kill(process.processIdentifier, SIGKILL)
                killedAt = Int64(st.st_size)
                break
            }
            if killedAt == nil { usleep(500) }
        }
        if killedAt == nil && process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let killed = try #require(killedAt, "base add ended before it could be killed mid-copy: \(Self.logText(log))")
        #expect(killed < Int64(megabytes) << 20, "killed only after the whole file was copied")
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL)

        try Self.expectConsistent(harness, without: "big")
        try Self.expectBaseAddSucceeds(harness, directory: directory, name: "big")
        #expect(try harness.registry.list().bases.map(\.reference) == ["big@1", "gpt2-tiny@1"])
    }

    /// Every fault point a `base add` passes before its commit, and the one right after it. The first
    /// catalog commit takes the ingest lease; the second is the base's row (`#2`).
    static let faults = [
        "ingest.after-create", "ingest.mid-write", "ingest.after-fsync", "ingest.after-rename", "catalog.before-commit",
        "catalog.after-commit", "catalog.before-commit#2", "catalog.after-commit#2",
    ]

    @Test(arguments: faults)
    func aCrashAtAFaultPointLeavesTheStoreConsistent(_ fault: String) throws {
        let harness = try RegistryHarness()
        try harness.addBase("gpt2-tiny")  // the catalog exists: the fault hits the registration, not a migration
        let directory = Fixtures.path("bases/llama-tiny")
        let log = harness.scratch("add.log")
        let process = try Self.startBaseAdd(store: harness.root, directory: directory, name: "llama-tiny", log: log, fault: fault)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL, "not killed at \(fault): \(Self.logText(log))")

        if fault == "catalog.after-commit#2" {
            // Committed: the base is there, whole, and adding it again changes nothing.
            let registry = try StoreBackends.registry(root: harness.root, logger: Logger(label: "test"))
            #expect(try registry.list().bases.map(\.reference) == ["gpt2-tiny@1", "llama-tiny@1"])
            #expect(try !registry.registerBase(directory: directory, name: "llama-tiny").created)
            return
        }
        try Self.expectConsistent(harness, without: "llama-tiny")
        try Self.expectBaseAddSucceeds(harness, directory: directory, name: "llama-tiny")
    }
}
