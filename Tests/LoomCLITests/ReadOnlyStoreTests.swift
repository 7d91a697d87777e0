import Foundation
import GRDB
import LoomJSON
import LoomTesting
import Testing

/// A store this user may read but not write, and a store on a read-only mount (issue 9, item 8): the read
/// commands work (the catalog is opened read-only; immutable only on the read-only mount), the writing
/// ones fail in one line saying the store is read-only. The tests run as root, for whom permission bits do
/// not apply, so they run `loom` as `nobody` through `setpriv`, or in a user and mount namespace with a
/// read-only bind mount through `unshare`; each skips with a notice when its tool cannot be used here.
@Suite(.serialized) struct ReadOnlyStoreTests {
    /// Runs `tool toolArguments… loom loomArguments…` and waits (the outputs are small: pipes are fine).
    static func run(_ tool: [String], loom arguments: [String]) throws -> LoomRun {
        let loom = try #require(LoomProcess.executable)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool[0])
        process.arguments = Array(tool.dropFirst()) + [loom] + arguments
        process.environment = LoomProcess.childEnvironment([:])
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile(), stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return LoomRun(
            arguments: arguments, status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// A registered and built store, readable by everyone (the test directory is 0700 by default).
    static func readableStore() throws -> CLIStore {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        _ = try store.json("build", "llama-qv")
        #expect(chmod(store.directory.path, 0o755) == 0)
        return store
    }

    /// The read commands give what they give the owner; writes fail naming the store as read-only.
    static func expectReadsWorkAndWritesRefused(_ tool: [String], store path: String, owner: CLIStore) throws {
        for command in [["ls", "--json"], ["log", "--json"], ["show", "llama-qv"]] {
            let run = try Self.run(tool, loom: command + ["--store", path])
            #expect(run.status == 0, "\(run)")
            // The same listing, with the store's path as this reader names it.
            #expect(run.stdout == (try owner.loom(command).stdout.replacingOccurrences(of: owner.path, with: path)), "\(run)")
        }
        let verify = try Self.run(tool, loom: ["verify", "--store", path])
        #expect(verify.status == 0 && verify.stdout.contains("no findings"), "\(verify)")
        for command in [["pin", "llama-qv"], ["rm", "adapter", "llama-qv"], ["build", "llama-qv"]] {
            let run = try Self.run(tool, loom: command + ["--store", path])
            #expect(run.status == 1 && run.stderrLines.count == 1 && run.stderr.contains("read-only"), "\(run)")
        }
    }

    @Test func aUserWhoCannotWriteTheStoreCanReadIt() throws {
        let setpriv = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        guard FileManager.default.isExecutableFile(atPath: setpriv[0]), getuid() == 0 else {
            print("notice: skipped: needs root and \(setpriv[0]) to run loom as nobody")
            return
        }
        let store = try Self.readableStore()
        try Self.expectReadsWorkAndWritesRefused(setpriv, store: store.path, owner: store)
        #expect(try store.loom("verify").status == 0)

        // Without -wal and -shm (another SQLite client closed the catalog last), which this user cannot
        // create: one line saying so, and what to do.
        try Self.dropWAL(store)
        let run = try Self.run(setpriv, loom: ["ls", "--store", store.path])
        #expect(run.status == 1 && run.stderrLines.count == 1 && run.stderr.contains("needs catalog.sqlite-wal"), "\(run)")
        #expect(try store.loom("ls").status == 0)
    }

    /// Checkpoints the catalog into catalog.sqlite and removes its -wal and -shm, as the last SQLite
    /// client to close it by default does.
    static func dropWAL(_ store: CLIStore) throws {
        let queue = try DatabaseQueue(path: store.path + "/catalog.sqlite")
        try queue.writeWithoutTransaction { _ = try $0.checkpoint(.truncate) }
        try queue.close()
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: store.path + "/catalog.sqlite" + suffix) }
    }

    @Test func aStoreOnAReadOnlyMountCanBeRead() throws {
        let store = try Self.readableStore()
        let mountPoint = store.directory.file("ro")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        // A shell in its own user and mount namespace mounts the store read-only, then runs loom.
        let script = "mount --bind \"$0\" \"$1\" && mount -o remount,ro,bind \"$1\" && shift && exec \"$@\""
        let unshare = ["/usr/bin/unshare", "-rm", "/bin/sh", "-c", script, store.path, mountPoint]
        let probe = try Self.run(unshare, loom: ["--version"])
        guard probe.status == 0 else {
            print("notice: skipped: no read-only bind mount here (unshare -rm: \(probe.stderr.prefix(200)))")
            return
        }
        try Self.expectReadsWorkAndWritesRefused(unshare, store: mountPoint, owner: store)
        // Immutable mode needs neither -wal nor -shm, which cannot be made on a read-only mount.
        try Self.dropWAL(store)
        try Self.expectReadsWorkAndWritesRefused(unshare, store: mountPoint, owner: store)
    }
}
