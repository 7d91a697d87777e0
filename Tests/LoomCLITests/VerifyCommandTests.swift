import Foundation
import GRDB
import LoomJSON
import LoomTesting
import Testing

/// `loom verify`, `loom log` and `loom audit` end to end: the built `loom` binary on a temporary store,
/// checked by exit status and output.
@Suite struct VerifyCommandTests {
    let directory: TemporaryDirectory
    var store: String { directory.path + "/Store" }

    init() throws {
        directory = try TemporaryDirectory(prefix: "loom-cli-verify")
        try LoomBinary.run(["base", "add", Fixtures.path("bases/llama-tiny"), "--name", "llama-tiny"], store: store).succeeded()
        try LoomBinary.run(["adapter", "add", Fixtures.path("adapters/llama-qv"), "--name", "llama-qv"], store: store).succeeded()
        try LoomBinary.run(["build", "llama-qv"], store: store).succeeded()
    }

    /// The blob behind the built artifact's merged weights.
    func mergedWeightsBlob() throws -> String {
        let audit = try LoomBinary.run(["audit", "llama-qv", "--json"], store: store).succeeded()
        let document = try JSONParser().parse(Array(audit.stdout.utf8))
        let file = try #require(document["files"]?.arrayValue?.first { $0["path"] == "model.safetensors" })
        return try #require(file["digest"]?.stringValue)
    }

    @Test func cleanStoreExitsZero() throws {
        let result = try LoomBinary.run(["verify"], store: store)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("no findings"))
    }

    @Test func flippedByteExits17AndNamesTheBlob() throws {
        let digest = try mergedWeightsBlob()
        let hex = String(digest.dropFirst("sha256:".count))
        let path = store + "/blobs/sha256/\(hex.prefix(2))/\(hex)"
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        try handle.seek(toOffset: 200)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: 200)
        try handle.write(contentsOf: [~byte])
        try handle.close()

        let result = try LoomBinary.run(["verify"], store: store)
        #expect(result.status == 17)
        #expect(result.stdout.split(separator: "\n").contains { $0.hasPrefix("blob \(digest): corrupt") })
        let json = try LoomBinary.run(["verify", "--json"], store: store)
        #expect(json.status == 17)
        let document = try JSONParser().parse(Array(json.stdout.utf8))
        #expect(document["findings"]?.arrayValue?.compactMap { $0["digest"]?.stringValue } == [digest])
    }

    @Test func editedEventExits24() throws {
        try editEvent()
        let result = try LoomBinary.run(["verify"], store: store)
        #expect(result.status == 24)
        #expect(result.stdout.contains("event 2: "))
        let log = try LoomBinary.run(["log"], store: store)
        #expect(log.status == 24 && log.stdout.contains("chain: broken: event 2"))
    }

    @Test func logEndsWithTheVerifiedChain() throws {
        let result = try LoomBinary.run(["log"], store: store).succeeded()
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 4 && lines.last == "chain: verified (3 events)")
        #expect(lines.first?.hasPrefix("1  ") == true && lines.first?.contains("base.add") == true)
    }

    @Test func inTotoAndJsonAreExclusive() throws {
        #expect(try LoomBinary.run(["audit", "llama-qv", "--json", "--in-toto"], store: store).status == 64)
        let statement = try LoomBinary.run(["audit", "llama-qv", "--in-toto"], store: store).succeeded()
        let document = try JSONParser().parse(Array(statement.stdout.utf8))
        #expect(document["_type"] == "https://in-toto.io/Statement/v1")
    }

    @Test func rebuildOfTheArtifactIsIdentical() throws {
        let key = try JSONParser().parse(Array(try LoomBinary.run(["build", "llama-qv", "--json"], store: store).succeeded().stdout.utf8))["key"]
        let result = try LoomBinary.run(["verify", "--rebuild", try #require(key?.stringValue)], store: store)
        #expect(result.status == 0 && result.stdout.contains("bit-identical"), "\(result.stdout)\(result.stderr)")
    }

    /// Drops the append-only trigger and rewrites event 2's detail, as an attacker with the file would.
    func editEvent() throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: store + "/catalog.sqlite", configuration: configuration)
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "DROP TRIGGER event_is_append_only_update")
            try db.execute(sql: "UPDATE event SET detail = '{}' WHERE seq = 2")
        }
        try queue.close()
    }
}

/// Runs the `loom` executable built next to the test bundle.
enum LoomBinary {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Self, after recording an issue when the command failed.
        @discardableResult
        func succeeded(sourceLocation: SourceLocation = #_sourceLocation) throws -> Result {
            #expect(status == 0, "loom exited \(status): \(stderr)", sourceLocation: sourceLocation)
            return self
        }
    }

    /// `<build directory>/loom`: the test bundle runs from the same directory (`/proc/self/exe`).
    static var path: String {
        let bundle = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("loom").path
    }

    static func run(_ arguments: [String], store: String) throws -> Result {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path, NSLocalizedDescriptionKey: "build the loom executable first (swift build)"])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--store", store] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment.removeValue(forKey: "LOOM_STORE")
        process.environment = environment
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting, so a full pipe cannot block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }
}
