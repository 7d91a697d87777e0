import BlobStore
import LoomCore
import Foundation
import LoomTesting
import Testing

@testable import Registry

#if canImport(Glibc)
import Glibc
#endif

/// Issue 9 item 1: links that reach outside through a folder the symlink rule trusts (an HF cache
/// repository's `blobs/`, a store's `blobs/sha256/`), files swapped after they were checked, and the
/// modes blobs get. Refused naming the link; a blob is never readable by more than its source was.
@Suite struct HostileCacheLinkTests {
    let fm = FileManager.default

    /// `R/models--o--e/snapshots/main` holding llama-tiny's config.json and model.safetensors.
    func snapshot(_ store: HostileStore, repository: String = "models--o--e") throws -> (repo: String, snapshot: String) {
        let repo = store.harness.scratch("R/" + repository)
        let snapshot = repo + "/snapshots/main"
        try fm.createDirectory(atPath: snapshot, withIntermediateDirectories: true)
        for name in ["config.json", "model.safetensors"] {
            try fm.copyItem(atPath: Fixtures.path("bases/llama-tiny/" + name), toPath: snapshot + "/" + name)
        }
        return (repo, snapshot)
    }

    /// The exact attack: `blobs/` is itself a link to `/etc`, and a snapshot file links to
    /// `../../blobs/shadow`. Before the fix this registered `/etc/shadow` as a 0444 blob.
    @Test func hfCacheBlobsSymlinkedOutOfTheRepositoryIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (repo, snapshot) = try snapshot(store)
        try fm.createSymbolicLink(atPath: repo + "/blobs", withDestinationPath: "/etc")
        try fm.createSymbolicLink(atPath: snapshot + "/tokenizer.json", withDestinationPath: "../../blobs/shadow")
        // Without /etc/shadow (not Linux) the link dangles and is refused anyway; the rule is what matters.
        let parts = fm.fileExists(atPath: "/etc/shadow")
            ? ["symlink", "main/tokenizer.json", "/etc/shadow", "leaves the directory", "models--o--e/blobs resolves to /etc"]
            : ["symlink", "main/tokenizer.json"]
        try store.refuseBase(snapshot, name: "evil", mentioning: parts)
    }

    @Test func hfCacheBlobsLinkedToAnotherRepositoryIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let (repo, snapshot) = try snapshot(store)
        let other = store.harness.scratch("R/models--o--other/blobs")
        try fm.createDirectory(atPath: other, withIntermediateDirectories: true)
        try Data("secret".utf8).write(to: URL(fileURLWithPath: other + "/secret"))
        try fm.createSymbolicLink(atPath: repo + "/blobs", withDestinationPath: "../models--o--other/blobs")
        try fm.createSymbolicLink(atPath: snapshot + "/tokenizer.json", withDestinationPath: "../../blobs/secret")
        try store.refuseBase(snapshot, name: "evil", mentioning: ["symlink", "main/tokenizer.json", "leaves the directory", "outside"])
    }

    /// A real `blobs/` folder still works, and its blobs are followed (the rule did not get stricter there).
    @Test func hfCacheWithARealBlobsFolderStillRegisters() throws {
        let store = try HostileStore(withBase: false)
        let (repo, snapshot) = try snapshot(store)
        try fm.createDirectory(atPath: repo + "/blobs", withIntermediateDirectories: false)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: repo + "/blobs/abc"))
        try fm.createSymbolicLink(atPath: snapshot + "/tokenizer.json", withDestinationPath: "../../blobs/abc")
        let registration = try store.registry.registerBase(directory: snapshot, name: "cached")
        #expect(registration.created)
    }

    /// A file replaced by a link to a file outside after it was listed (here: while the file before it
    /// is being hashed) is refused at the copy, and its bytes never become a blob.
    @Test func aFileSwappedForAnOutsideLinkAfterListingIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("swapped")
        let secret = store.harness.scratch("secret.json")
        try Data("{\"secret\": 1}".utf8).write(to: URL(fileURLWithPath: secret))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: directory + "/tokenizer.json"))
        let swap = SwapOnBegin(trigger: "hashing model.safetensors") {
            try? FileManager.default.removeItem(atPath: directory + "/tokenizer.json")
            try? FileManager.default.createSymbolicLink(atPath: directory + "/tokenizer.json", withDestinationPath: secret)
        }
        expectRegistryError(.invalid, mentioning: ["swapped/tokenizer.json", "changed while it was being registered"]) {
            _ = try store.registry.registerBase(directory: directory, name: "swapped", progress: swap)
        }
        let secretDigest = Digest(hashing: Array("{\"secret\": 1}".utf8))
        #expect(!store.registry.blobs.contains(secretDigest), "the outside file became a blob")
        #expect(try store.harness.state().bases.isEmpty)
    }

    /// Blobs are read-only and readable by no one the source file was not readable by.
    @Test func blobsAreNeverMoreReadableThanTheirSource() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("modes")
        let files = ["private.json": (Array("{\"p\": 1}".utf8), mode_t(0o600)), "group.json": (Array("{\"g\": 1}".utf8), mode_t(0o640))]
        for (name, (bytes, mode)) in files {
            try store.write(bytes, to: directory + "/" + name)
            #expect(chmod(directory + "/" + name, mode) == 0)
        }
        #expect(chmod(directory + "/model.safetensors", 0o644) == 0)
        _ = try store.registry.registerBase(directory: directory, name: "modes")
        func blobMode(_ bytes: [UInt8]) -> mode_t {
            var st = stat()
            _ = lstat(store.registry.blobs.path(of: Digest(hashing: bytes)), &st)
            return st.st_mode & 0o7777
        }
        #expect(blobMode(files["private.json"]!.0) == 0o400)
        // The blob's group is the writer's, as the source's here, so the group keeps its read bit.
        #expect(blobMode(files["group.json"]!.0) == 0o440)
        let weights = try Data(contentsOf: URL(fileURLWithPath: directory + "/model.safetensors"))
        #expect(blobMode(Array(weights)) == 0o444)
    }
}

/// A progress sink that runs `action` once, when a step whose title is `trigger` begins.
final class SwapOnBegin: ProgressSink, @unchecked Sendable {
    let trigger: String
    let action: () -> Void
    private var done = false

    init(trigger: String, _ action: @escaping () -> Void) {
        self.trigger = trigger
        self.action = action
    }

    func begin(_ label: String, total: Int64) {
        guard !done, label == trigger else { return }
        done = true
        action()
    }

    func advance(to completed: Int64) {}
    func end() {}
    func note(_ message: String) {}
}
