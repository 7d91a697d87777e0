import Foundation
import LoomJSON
import LoomTesting
import Testing

/// Corrupt blobs end to end (issue 9, items 2 and 3): the built `loom` binary refuses to build from a
/// corrupt base blob, does not serve a corrupt cached artifact, and `verify --rebuild` names the disk.
@Suite struct IntegrityCommandTests {
    let directory: TemporaryDirectory
    var store: String { directory.path + "/Store" }

    init() throws {
        directory = try TemporaryDirectory(prefix: "loom-cli-integrity")
        try LoomBinary.run(["base", "add", Fixtures.path("bases/llama-tiny"), "--name", "llama-tiny"], store: store).succeeded()
        try LoomBinary.run(["adapter", "add", Fixtures.path("adapters/llama-qv"), "--name", "llama-qv"], store: store).succeeded()
    }

    func blobPath(_ digest: String) -> String {
        let hex = String(digest.dropFirst("sha256:".count))
        return store + "/blobs/sha256/\(hex.prefix(2))/\(hex)"
    }

    /// Inverts the last byte of a (0444) blob file.
    func flipLastByte(_ digest: String) throws {
        let path = blobPath(digest)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        let end = try handle.seekToEnd()
        try handle.seek(toOffset: end - 1)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: end - 1)
        try handle.write(contentsOf: [~byte])
    }

    func digest(of path: String, in command: [String]) throws -> String {
        let output = try LoomBinary.run(command, store: store).succeeded()
        let document = try JSONParser().parse(Array(output.stdout.utf8))
        let files = document["files"]?.arrayValue ?? document["base"]?["files"]?.arrayValue ?? []
        return try #require(files.first { $0["path"] == .string(path) }?["digest"]?.stringValue, "\(output.stdout.prefix(400))")
    }

    @Test func aCorruptBaseBlobFailsTheBuildNamingIt() throws {
        let weights = try digest(of: "model.safetensors", in: ["show", "llama-tiny", "--json"])
        try flipLastByte(weights)
        let build = try LoomBinary.run(["build", "llama-qv"], store: store)
        #expect(build.status == 1, "\(build.stderr)")
        let lines = build.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].contains(weights) && lines[0].contains("base llama-tiny@1"), "\(build.stderr)")
        let listing = try LoomBinary.run(["ls", "artifacts", "--json"], store: store).succeeded()
        #expect(try JSONParser().parse(Array(listing.stdout.utf8)).arrayValue?.isEmpty == true, "nothing committed")
        let verify = try LoomBinary.run(["verify"], store: store)
        #expect(verify.status == 17 && verify.stdout.contains("blob \(weights): corrupt"))
    }

    @Test func aCorruptArtifactBlobIsReportedByRebuildAndNotServed() throws {
        let built = try LoomBinary.run(["build", "llama-qv", "--json"], store: store).succeeded()
        let key = try #require(try JSONParser().parse(Array(built.stdout.utf8))["key"]?.stringValue)
        let merged = try digest(of: "model.safetensors", in: ["audit", key, "--json"])
        try flipLastByte(merged)

        let rebuild = try LoomBinary.run(["verify", "--rebuild", key], store: store)
        #expect(rebuild.status == 16, "\(rebuild.stdout)\(rebuild.stderr)")
        #expect(rebuild.stdout.contains("model.safetensors: differs") && rebuild.stdout.contains("the bytes on disk are corrupt"), "\(rebuild.stdout)")

        let again = try LoomBinary.run(["build", "llama-qv", "--json"], store: store).succeeded()
        #expect(try JSONParser().parse(Array(again.stdout.utf8))["cached"] == .bool(false))
        #expect(again.stderr.contains("corrupt"), "the rebuild says why: \(again.stderr)")
        try LoomBinary.run(["verify"], store: store).succeeded()
        let hit = try LoomBinary.run(["build", "llama-qv", "--verify", "--json"], store: store).succeeded()
        #expect(try JSONParser().parse(Array(hit.stdout.utf8))["cached"] == .bool(true))
    }
}
