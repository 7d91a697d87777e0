import BlobStore
import LoomCore
import SQLiteCatalog
import Dispatch
import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

@testable import Registry

#if canImport(Glibc)
import Glibc
#endif

/// docs/architecture.md "register base": which symlinks are followed, special files, missing weights, sharded
/// checkpoints and their index.
@Suite struct DirectoryRuleTests {
    static let empty = RegistryHarness.StoreState(bases: [], adapters: [], artifacts: [], blobs: [], ingest: [])
    static let fixtureFiles = ["config.json", "generation_config.json", "model.safetensors"]

    /// The digest of fixture file `bases/llama-tiny/<name>`.
    static func fixtureDigest(_ name: String) throws -> String {
        try Digest(hashing: Data(contentsOf: URL(fileURLWithPath: Fixtures.path("bases/llama-tiny/" + name)))).description
    }

    func files(of harness: RegistryHarness, _ name: String) throws -> [String: String] {
        guard case .base(_, let files, _, _) = try harness.registry.show(name) else { return [:] }
        return Dictionary(uniqueKeysWithValues: files.map { ($0.path, $0.digest) })
    }

    // MARK: - Symlinks

    @Test func aSymlinkToAFileInsideTheDirectoryIsFollowed() throws {
        let harness = try RegistryHarness()
        let directory = try harness.copyFixture("bases/llama-tiny", to: "linked")
        let fm = FileManager.default
        try fm.createDirectory(atPath: directory + "/weights", withIntermediateDirectories: false)
        try fm.moveItem(atPath: directory + "/model.safetensors", toPath: directory + "/weights/model.safetensors")
        try fm.createSymbolicLink(atPath: directory + "/model.safetensors", withDestinationPath: "weights/model.safetensors")
        let registration = try harness.registry.registerBase(directory: directory, name: "linked")
        #expect(registration.created)
        #expect(try files(of: harness, "linked")["model.safetensors"] == Self.fixtureDigest("model.safetensors"))
    }

    @Test(arguments: ["absolute", "relative", "directory", "dangling"])
    func aSymlinkLeavingTheDirectoryIsRefusedNamingIt(_ how: String) throws {
        let harness = try RegistryHarness()
        let directory = try harness.copyFixture("bases/llama-tiny", to: "escaping")
        let fm = FileManager.default
        try fm.copyItem(atPath: Fixtures.path("bases/llama-tiny/config.json"), toPath: harness.scratch("outside.json"))
        let culprit: String
        switch how {
        case "absolute":
            culprit = "model.safetensors"
            try fm.removeItem(atPath: directory + "/" + culprit)
            try fm.createSymbolicLink(atPath: directory + "/" + culprit, withDestinationPath: Fixtures.path("bases/llama-tiny/model.safetensors"))
        case "relative":
            culprit = "tokenizer.json"
            try fm.createSymbolicLink(atPath: directory + "/" + culprit, withDestinationPath: "../outside.json")
        case "directory":
            culprit = "extra"
            try fm.createSymbolicLink(atPath: directory + "/" + culprit, withDestinationPath: Fixtures.path("bases/gpt2-tiny"))
        default:
            culprit = "tokenizer.json"
            try fm.createSymbolicLink(atPath: directory + "/" + culprit, withDestinationPath: "missing.json")
        }
        expectRegistryError(.invalid, mentioning: ["symlink", "escaping/" + culprit]) {
            _ = try harness.registry.registerBase(directory: directory, name: "escaping")
        }
        #expect(try harness.state() == Self.empty)
    }

    /// Builds `<tmp>/models--org--tiny/{blobs,snapshots/<rev>}` as huggingface_hub does: the snapshot's
    /// files are relative symlinks into the repository's blobs/. Returns the snapshot directory.
    func makeHubSnapshot(in harness: RegistryHarness, repository: String = "models--org--tiny") throws -> String {
        let fm = FileManager.default
        let repo = harness.scratch("hub/" + repository)
        let snapshot = repo + "/snapshots/0123456789abcdef0123456789abcdef01234567"
        try fm.createDirectory(atPath: repo + "/blobs", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: snapshot, withIntermediateDirectories: true)
        for name in Self.fixtureFiles {
            let hex = String(try Self.fixtureDigest(name).dropFirst("sha256:".count))
            try fm.copyItem(atPath: Fixtures.path("bases/llama-tiny/" + name), toPath: repo + "/blobs/" + hex)
            try fm.createSymbolicLink(atPath: snapshot + "/" + name, withDestinationPath: "../../blobs/" + hex)
        }
        return snapshot
    }

    @Test func aHuggingFaceCacheSnapshotRegisters() throws {
        let harness = try RegistryHarness()
        let snapshot = try makeHubSnapshot(in: harness)
        let registration = try harness.registry.registerBase(directory: snapshot, name: "tiny")
        #expect(registration.created)
        let stored = try files(of: harness, "tiny")
        #expect(stored.keys.sorted() == Self.fixtureFiles)
        for name in Self.fixtureFiles {
            #expect(stored[name] == (try Self.fixtureDigest(name)), "\(name)")
        }
        // Same bytes as the plain directory: the same base content.
        let plain = try harness.addBase("llama-tiny")
        #expect(plain.record.manifestDigest == registration.record.manifestDigest)
    }

    @Test func aSnapshotLinkIntoAnotherRepositoryIsRefused() throws {
        let harness = try RegistryHarness()
        let snapshot = try makeHubSnapshot(in: harness)
        let other = try makeHubSnapshot(in: harness, repository: "models--org--other")
        let fm = FileManager.default
        let hex = String(try Self.fixtureDigest("config.json").dropFirst("sha256:".count))
        try fm.removeItem(atPath: snapshot + "/config.json")
        try fm.createSymbolicLink(atPath: snapshot + "/config.json", withDestinationPath: "../../../models--org--other/blobs/" + hex)
        #expect(fm.fileExists(atPath: other + "/config.json"))
        expectRegistryError(.invalid, mentioning: ["symlink", "config.json"]) {
            _ = try harness.registry.registerBase(directory: snapshot, name: "tiny")
        }
        #expect(try harness.state() == Self.empty)
    }

    // MARK: - Special files and missing weights

    /// Runs `body` on another thread; nil when it has not finished within `seconds`.
    static func finishing<T: Sendable>(within seconds: Int, _ body: @escaping @Sendable () -> T) -> T? {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            box.value = body()
            done.signal()
        }
        guard done.wait(timeout: .now() + .seconds(seconds)) == .success else { return nil }
        return box.value
    }

    @Test(arguments: ["fifo", "symlink to fifo"])
    func aFIFOIsRefusedWithoutHanging(_ how: String) throws {
        let harness = try RegistryHarness()
        let directory = try harness.copyFixture("bases/llama-tiny", to: "with-fifo")
        let fifo = directory + "/tokenizer.json"
        let culprit: String
        if how == "fifo" {
            #expect(mkfifo(fifo, 0o644) == 0)
            culprit = "tokenizer.json"
        } else {
            try FileManager.default.createDirectory(atPath: directory + "/pipes", withIntermediateDirectories: false)
            #expect(mkfifo(directory + "/pipes/fifo", 0o644) == 0)
            try FileManager.default.createSymbolicLink(atPath: fifo, withDestinationPath: "pipes/fifo")
            culprit = "pipes/fifo"
        }
        let registry = harness.registry
        let outcome = Self.finishing(within: 30) { () -> Result<Bool, RegistryError> in
            Result { () throws(RegistryError) in try registry.registerBase(directory: directory, name: "fifo").created }
        }
        guard let outcome else {
            // Unblock a reader stuck in open(2) so the test run can go on.
            for path in [fifo, directory + "/pipes/fifo"] {
                let fd = open(path, O_WRONLY | O_NONBLOCK)
                if fd >= 0 { close(fd) }
            }
            Issue.record("registering a directory with a FIFO hangs")
            return
        }
        switch outcome {
        case .success: Issue.record("a directory with a FIFO was registered")
        case .failure(let error):
            #expect(error.kind == .invalid)
            #expect(error.message.contains(culprit), "\(error.message)")
            #expect(error.message.contains("FIFO") || error.message.contains("regular file"), "\(error.message)")
        }
        #expect(try harness.state() == Self.empty)
    }

    @Test func aDirectoryWithoutSafetensorsIsRefused() throws {
        let harness = try RegistryHarness()
        let directory = harness.scratch("config-only")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        try FileManager.default.copyItem(atPath: Fixtures.path("bases/llama-tiny/config.json"), toPath: directory + "/config.json")
        expectRegistryError(.invalid, mentioning: ["config-only", "no .safetensors"]) {
            _ = try harness.registry.registerBase(directory: directory, name: "x")
        }
        try Data([0x80, 0x02, 0x7D, 0x71, 0x00, 0x2E]).write(to: URL(fileURLWithPath: directory + "/pytorch_model.bin"))
        expectRegistryError(.invalid, mentioning: ["pytorch_model.bin", "safetensors"]) {
            _ = try harness.registry.registerBase(directory: directory, name: "x")
        }
        #expect(try harness.state() == Self.empty)
    }

    @Test func aMissingDirectoryIsNotFound() throws {
        let harness = try RegistryHarness()
        expectRegistryError(.notFound, mentioning: ["nowhere"]) {
            _ = try harness.registry.registerBase(directory: harness.scratch("nowhere"), name: "x")
        }
        #expect(try harness.state() == Self.empty)
    }
}

/// Hands a value from a worker thread to a waiter that synchronises with a semaphore.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
