import Foundation
import LoomTesting
import Testing

@testable import Registry

#if canImport(Glibc)
import Glibc
#endif

/// Base and adapter directories that try to make loom read outside them, block on a special file, or
/// hold no usable weights: refused naming the entry, nothing stored.
@Suite struct HostileDirectoryTests {
    let fm = FileManager.default

    /// `refuse` on another thread, failing the test instead of hanging when registration blocks.
    func refuseWithoutHanging(
        _ store: HostileStore, unblock paths: [String], mentioning parts: [String], sourceLocation: SourceLocation = #_sourceLocation,
        _ body: @escaping @Sendable (Registry) throws -> Void
    ) throws {
        let registry = store.registry
        let before = try store.snapshot()
        let outcome = DirectoryRuleTests.finishing(within: 30) { () -> Result<Void, any Error> in
            Result { try body(registry) }
        }
        guard let outcome else {
            for path in paths {
                let fd = open(path, O_WRONLY | O_NONBLOCK)
                if fd >= 0 { close(fd) }
            }
            Issue.record("registration hangs on a special file", sourceLocation: sourceLocation)
            return
        }
        try store.refuse(mentioning: parts, sourceLocation: sourceLocation) { _ in try outcome.get() }
        try store.expectUnchanged(since: before, sourceLocation: sourceLocation)
    }

    // MARK: - Symlinks

    @Test func symlinkPointingOutsideIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("escape")
        try Data("secret".utf8).write(to: URL(fileURLWithPath: store.harness.scratch("secret.json")))
        try fm.createSymbolicLink(atPath: directory + "/tokenizer.json", withDestinationPath: "../secret.json")
        try store.refuseBase(directory, mentioning: ["symlink", "escape/tokenizer.json", "secret.json", "leaves the directory"])
    }

    @Test func absoluteSymlinkToSystemFileIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("shadow")
        try fm.createSymbolicLink(atPath: directory + "/vocab.txt", withDestinationPath: "/etc/passwd")
        try store.refuseBase(directory, mentioning: ["symlink", "shadow/vocab.txt", "/etc/passwd", "leaves the directory"])
    }

    @Test func adapterWeightsSymlinkedOutsideAreRefused() throws {
        let store = try HostileStore()
        let directory = try store.adapterCopy("linked")
        try fm.removeItem(atPath: directory + "/adapter_model.safetensors")
        let target = Fixtures.path("adapters/llama-qv/adapter_model.safetensors")
        try fm.createSymbolicLink(atPath: directory + "/adapter_model.safetensors", withDestinationPath: target)
        try store.refuseAdapter(directory, mentioning: ["symlink", "linked/adapter_model.safetensors", "leaves the directory"])
    }

    @Test func symlinkToDevNullIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("devnull")
        try fm.createSymbolicLink(atPath: directory + "/tokenizer.json", withDestinationPath: "/dev/null")
        try store.refuseBase(directory, mentioning: ["symlink", "devnull/tokenizer.json", "/dev/null"])
    }

    @Test func danglingSymlinkIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("dangling")
        try fm.createSymbolicLink(atPath: directory + "/tokenizer.json", withDestinationPath: "nowhere.json")
        try store.refuseBase(directory, mentioning: ["symlink", "dangling/tokenizer.json", "does not exist"])
    }

    @Test func symlinkLoopIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("loop")
        try fm.createSymbolicLink(atPath: directory + "/a.json", withDestinationPath: "b.json")
        try fm.createSymbolicLink(atPath: directory + "/b.json", withDestinationPath: "a.json")
        try store.refuseBase(directory, mentioning: ["symlink", "loop/a.json", "cannot be resolved"])
    }

    @Test func symlinkToADirectoryInsideIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("dirlink")
        try fm.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: false)
        try fm.createSymbolicLink(atPath: directory + "/alias", withDestinationPath: "sub")
        try store.refuseBase(directory, mentioning: ["symlink", "dirlink/alias", "not point at a regular file"])
    }

    // MARK: - Special files

    @Test func fifoInABaseIsRefusedWithoutHanging() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("fifo")
        let fifo = directory + "/tokenizer.json"
        #expect(mkfifo(fifo, 0o644) == 0)
        try refuseWithoutHanging(store, unblock: [fifo], mentioning: ["fifo/tokenizer.json", "FIFO"]) {
            _ = try $0.registerBase(directory: directory, name: "fifo")
        }
    }

    @Test func fifoAsAdapterWeightsIsRefusedWithoutHanging() throws {
        let store = try HostileStore()
        let directory = try store.adapterCopy("fifo")
        let fifo = directory + "/adapter_model.safetensors"
        try fm.removeItem(atPath: fifo)
        #expect(mkfifo(fifo, 0o644) == 0)
        try refuseWithoutHanging(store, unblock: [fifo], mentioning: ["fifo/adapter_model.safetensors", "FIFO"]) {
            _ = try $0.registerAdapter(directory: directory, name: "fifo", base: nil)
        }
    }

    @Test func deviceFileIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("device")
        // c 1 3 are /dev/null's numbers; only root (with CAP_MKNOD) may create it.
        guard mknod(directory + "/tokenizer.json", S_IFCHR | 0o644, (1 << 8) | 3) == 0 else {
            print("notice: deviceFileIsRefused skipped: mknod failed (\(String(cString: strerror(errno)))); not root?")
            return
        }
        try store.refuseBase(directory, mentioning: ["device/tokenizer.json", "device file"])
    }

    @Test func deviceFileAsAdapterConfigIsRefused() throws {
        let store = try HostileStore()
        let directory = try store.adapterCopy("device")
        try fm.removeItem(atPath: directory + "/adapter_config.json")
        guard mknod(directory + "/adapter_config.json", S_IFCHR | 0o644, (1 << 8) | 3) == 0 else {
            print("notice: deviceFileAsAdapterConfigIsRefused skipped: mknod failed (\(String(cString: strerror(errno)))); not root?")
            return
        }
        try store.refuseAdapter(directory, mentioning: ["device/adapter_config.json", "device file"])
    }

    @Test func controlCharacterInAFileNameIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("control")
        try Data("{}".utf8).write(to: URL(fileURLWithPath: directory + "/tok\nenizer.json"))
        try store.refuseBase(directory, mentioning: [#"control/tok\u{a}enizer.json"#, "control character"])
    }

    // MARK: - No usable weights

    @Test func noWeightsAtAllIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("empty")
        try fm.removeItem(atPath: directory + "/model.safetensors")
        try store.refuseBase(directory, mentioning: ["empty", "no .safetensors weights"])
    }

    @Test func onlyPytorchModelBinIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("pickle")
        try fm.removeItem(atPath: directory + "/model.safetensors")
        // A pickle that would run `os.system` if anything unpickled it.
        let pickle = Array("cos\nsystem\n(S'touch /tmp/loom-pwned'\ntR.".utf8)
        try store.write(pickle, to: directory + "/pytorch_model.bin")
        try store.refuseBase(directory, mentioning: ["pickle", "only pytorch_model.bin", "never unpickles"])
        #expect(!fm.fileExists(atPath: "/tmp/loom-pwned"))
    }

    @Test func weightsOnlyInASubdirectoryAreRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("nested")
        try fm.createDirectory(atPath: directory + "/sub", withIntermediateDirectories: false)
        try fm.moveItem(atPath: directory + "/model.safetensors", toPath: directory + "/sub/model.safetensors")
        try store.refuseBase(directory, mentioning: ["nested", "no .safetensors weights"])
    }

    @Test func aRegularFileInsteadOfADirectoryIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let file = Fixtures.path("bases/llama-tiny/model.safetensors")
        try store.refuseBase(file, mentioning: [file, "not a directory"])
    }

    @Test func aMissingDirectoryIsNotFound() throws {
        let store = try HostileStore(withBase: false)
        let missing = store.harness.scratch("nowhere")
        try store.refuseBase(missing, .notFound, mentioning: ["nowhere", "does not exist"])
    }
}
