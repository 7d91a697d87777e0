import LoomBackends
import Foundation
import LoomBackends
import LoomTesting
import Logging
import Testing

@testable import Registry

#if canImport(Glibc)
import Glibc
#endif

/// Issue 9: directories that hold a loom store, artifact directories registered as bases, and
/// `audit` of files that are not regular files.
@Suite struct HostileLayoutTests {
    let fm = FileManager.default

    /// `loom base add .` in a model directory holding the default `./Store`: before, the store's own
    /// catalog and blobs became part of the base, a new version each time.
    @Test func theStoreInsideTheModelDirectoryIsSkipped() throws {
        let scratch = try TemporaryDirectory(prefix: "loom-inside")
        let model = scratch.path + "/model"
        try fm.copyItem(atPath: Fixtures.path("bases/llama-tiny"), toPath: model)
        let registry = try StoreBackends.registry(root: model + "/Store", logger: Logger(label: "test"))
        let first = try registry.registerBase(directory: model, name: "tiny")
        let again = try registry.registerBase(directory: model, name: "tiny")
        #expect(first.created)
        #expect(!again.created, "registering the same directory again made a new version")
        #expect(again.notes.contains { $0.contains("Store/") && $0.contains("loom store") })
        guard case .base(_, let files, _, _) = try registry.show("tiny") else { throw RegistryError(.internal, "no base") }
        #expect(files.map(\.path) == ["config.json", "generation_config.json", "model.safetensors"])
    }

    /// Any loom store inside (an old copy, another store) is skipped the same way, and said so.
    @Test func anotherLoomStoreInsideIsSkipped() throws {
        let store = try HostileStore()
        let directory = try store.baseCopy("with-store")
        try fm.copyItem(atPath: store.harness.root, toPath: directory + "/backup")
        let registration = try store.registry.registerBase(directory: directory, name: "llama-tiny")
        #expect(!registration.created, "the copied store changed the base's content")
        #expect(registration.notes.contains { $0.contains("backup/") && $0.contains("loom store") })
    }

    /// Registering the store itself (`--store .`, `base add .`) is refused: it is no model.
    @Test func theStoreItselfIsRefusedAsAModelDirectory() throws {
        let store = try HostileStore()
        try store.refuseBase(store.harness.root, mentioning: [store.harness.root, "is a loom store"])
    }

    /// An artifact directory is relative links into its own store's blobs/sha256: it registers as a
    /// base (the same content as the merge's inputs laid out as a model), links followed only there.
    @Test func anArtifactDirectoryRegistersAsABase() throws {
        let store = try HostileStore()
        _ = try store.harness.addAdapter("llama-qv")
        let built = try store.registry.build(BuildRequest(target: .named(Reference(name: "llama-qv"))))
        let registration = try store.registry.registerBase(directory: built.path, name: "merged")
        #expect(registration.created)
        let copy = try store.registry.registerBase(directory: built.path, name: "merged")
        #expect(!copy.created)
    }

    /// The artifact rule allows its own store's blobs/sha256 only, and only when that folder is inside
    /// the store: a link elsewhere from an artifact directory is refused as before.
    @Test func anArtifactDirectoryLinkOutsideItsStoreIsRefused() throws {
        let store = try HostileStore()
        _ = try store.harness.addAdapter("llama-qv")
        let built = try store.registry.build(BuildRequest(target: .named(Reference(name: "llama-qv"))))
        try Data("secret".utf8).write(to: URL(fileURLWithPath: store.harness.scratch("secret.json")))
        try fm.createSymbolicLink(atPath: built.path + "/tokenizer.json", withDestinationPath: store.harness.scratch("secret.json"))
        try store.refuseBase(built.path, name: "merged", mentioning: ["symlink", "tokenizer.json", "leaves the directory"])
    }

    // MARK: - audit PATH

    @Test func auditOfAFIFOIsRefusedWithoutHanging() throws {
        let store = try HostileStore()
        let fifo = store.harness.scratch("pipe")
        #expect(mkfifo(fifo, 0o644) == 0)
        let registry = store.registry
        let outcome = DirectoryRuleTests.finishing(within: 30) { () -> Result<AuditReport, any Error> in
            Result { try registry.audit(fifo) }
        }
        guard let outcome else {
            let fd = open(fifo, O_WRONLY | O_NONBLOCK)
            if fd >= 0 { close(fd) }
            Issue.record("audit blocks on a FIFO")
            return
        }
        expectRegistryError(.invalid, mentioning: [fifo, "FIFO", "not a regular file"]) { _ = try outcome.get() }
    }

    @Test func auditOfDevZeroIsRefused() throws {
        let store = try HostileStore()
        let registry = store.registry
        let outcome = DirectoryRuleTests.finishing(within: 30) { () -> Result<AuditReport, any Error> in
            Result { try registry.audit("/dev/zero") }
        }
        guard let outcome else {
            Issue.record("audit reads /dev/zero forever")
            return
        }
        expectRegistryError(.invalid, mentioning: ["/dev/zero", "device file", "not a regular file"]) { _ = try outcome.get() }
    }
}
