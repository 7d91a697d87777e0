import Crypto
import Foundation
import LoomJSON
import LoomTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `loom pull` writes an artifact as plain, checked files, atomically, and updates an earlier pull in
/// place; `loom hold` keeps an artifact through gc until it runs out or is released.
@Suite struct PullHoldTests {
    static func sha256(_ path: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    static func status(_ path: String) -> stat? {
        var info = stat()
        return lstat(path, &info) == 0 ? info : nil
    }

    /// The names beside `path` that a pull in progress would use.
    static func scratchNames(beside path: String) -> [String] {
        let parent = (path as NSString).deletingLastPathComponent
        return ((try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? []).filter { $0.hasPrefix(".loom-pull-") }
    }

    @Test func pullWritesPlainCheckedFilesAndCountsAsUse() throws {
        let store = try StoreTemplates.shared.copy(.built)
        let reference = try StoreTemplates.shared.reference()
        let before = try #require(try store.json("ls", "artifacts").arrayValue?.first?["last_used_at"]?.stringValue)
        usleep(20_000)
        let target = store.directory.file("models/llama-qv")
        let report = try store.json("pull", "llama-qv", target)
        #expect(report["path"]?.stringValue == target && report["key"]?.stringValue == reference.key)
        #expect(report["files"] == .int(reference.files.count) && report["skipped"] == .int(0))
        #expect(report["bytes"] == .int(Int(reference.files.reduce(0) { $0 + $1.size })))
        for file in reference.files {
            let path = target + "/" + file.path
            let info = try #require(Self.status(path), "\(file.path) missing")
            #expect(info.st_mode & S_IFMT == S_IFREG, "\(file.path) is not a regular file")
            #expect(info.st_mode & 0o7777 == 0o644, "\(file.path) has mode \(String(info.st_mode & 0o7777, radix: 8))")
            #expect(try Self.sha256(path) == file.digest)
        }
        #expect(Self.status(target + "/.loom/pull.json") != nil)
        #expect(Self.scratchNames(beside: target).isEmpty)
        let after = try #require(try store.json("ls", "artifacts").arrayValue?.first?["last_used_at"]?.stringValue)
        #expect(after > before, "pull did not count as use")
    }

    @Test func aSecondPullKeepsWhatIsRightAndReplacesWhatDiffers() throws {
        let store = try StoreTemplates.shared.copy(.built)
        let reference = try StoreTemplates.shared.reference()
        let target = store.directory.file("model")
        try store.ok("pull", reference.key, target)
        let again = try store.json("pull", "llama-qv", target)
        #expect(again["skipped"] == .int(reference.files.count) && again["bytes"] == .int(0), "\(again)")

        let changed = try #require(reference.files.first { $0.path == "config.json" })
        let kept = try #require(reference.files.first { $0.path != "config.json" })
        let keptInode = Self.status(target + "/" + kept.path)?.st_ino
        try Data("{}".utf8).write(to: URL(fileURLWithPath: target + "/config.json"))
        let third = try store.json("pull", "llama-qv", target)
        #expect(third["skipped"] == .int(reference.files.count - 1) && third["bytes"] == .int(Int(changed.size)), "\(third)")
        #expect(try Self.sha256(target + "/config.json") == changed.digest)
        #expect(Self.status(target + "/" + kept.path)?.st_ino == keptInode, "a file already right was rewritten")
        #expect(Self.scratchNames(beside: target).isEmpty)
    }

    @Test func pullRefusesADirectoryItDidNotWriteAndACorruptBlob() throws {
        let store = try StoreTemplates.shared.copy(.built)
        let reference = try StoreTemplates.shared.reference()
        let mine = store.directory.file("mine")
        try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: URL(fileURLWithPath: mine + "/notes.txt"))
        let refused = try store.loom(["pull", "llama-qv", mine])
        #expect(refused.status == 4 && refused.stderrLines.count == 1 && refused.stderr.contains("is not a directory loom pulled into"), "\(refused)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mine) == ["notes.txt"])

        let model = try #require(reference.files.first { $0.path == "model.safetensors" })
        let blob = store.path + "/blobs/sha256/" + Contract.hex(model.digest).prefix(2) + "/" + Contract.hex(model.digest)
        chmod(blob, 0o644)
        let handle = try #require(FileHandle(forWritingAtPath: blob))
        try handle.seek(toOffset: 1000)
        handle.write(Data([0xFF, 0xFE]))
        try handle.close()
        let target = store.directory.file("pulled")
        let corrupt = try store.loom(["pull", "llama-qv", target])
        #expect(corrupt.status == 1 && corrupt.stderrLines.count == 1 && corrupt.stderr.contains("model.safetensors"), "\(corrupt)")
        #expect(Self.status(target) == nil && Self.scratchNames(beside: target).isEmpty, "a failed pull left files")
    }

    @Test func aHoldKeepsAnArtifactThroughGCUntilReleased() throws {
        let store = try StoreTemplates.shared.copy(.built)
        let reference = try StoreTemplates.shared.reference()
        let hold = try store.json("hold", "llama-qv", "--for", "2h", "--as", "server-1")
        #expect(hold["key"]?.stringValue == reference.key && hold["holder"]?.stringValue == "server-1")
        #expect(Contract.isISO8601(hold["until"]))
        let listed = try #require(try store.json("ls", "artifacts").arrayValue?.first)
        #expect(listed["held_by"]?.stringValue == "server-1" && listed["held_until"] == hold["until"])
        #expect(try store.ok("ls", "artifacts", "--wide").stdout.contains("held"))
        #expect(try store.json("show", reference.key)["held_by"]?.stringValue == "server-1")

        let kept = try store.json("gc", "--max-size", "0")
        #expect(kept["artifacts"]?.arrayValue?.isEmpty == true, "gc evicted a held artifact: \(kept)")
        #expect(try store.inspector.artifacts() == [reference])

        let released = try store.json("hold", "llama-qv", "--release", "--as", "server-1")
        #expect(released["released"]?.arrayValue?.count == 1)
        #expect(try store.json("ls", "artifacts").arrayValue?.first?["held_until"] == .null)
        let evicted = try store.json("gc", "--max-size", "0")
        #expect(evicted["artifacts"]?.arrayValue?.compactMap { $0["key"]?.stringValue } == [reference.key])
    }

    @Test func aHoldRunsOutByItself() throws {
        let store = try StoreTemplates.shared.copy(.built)
        try store.ok("hold", "llama-qv", "--for", "1s")
        Thread.sleep(forTimeInterval: 1.2)
        let gc = try store.json("gc", "--max-size", "0")
        #expect(gc["artifacts"]?.arrayValue?.count == 1, "an expired hold still kept the artifact: \(gc)")
    }

    @Test func holdRefusesWhatIsNotBuiltAndBadUse() throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let unbuilt = try store.loom(["hold", "llama-qv", "--for", "1h"])
        #expect(unbuilt.status == 2 && unbuilt.stderrLines.count == 1 && unbuilt.stderr.contains("has not been built"), "\(unbuilt)")
        #expect(try store.loom(["hold", "llama-qv"]).status == 64)
        #expect(try store.loom(["hold", "llama-qv", "--for", "1h", "--release"]).status == 64)
    }
}
