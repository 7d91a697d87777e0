import Foundation
import LoomTesting
import Testing

/// `--help` works for every command, shows examples, and the main screens match their snapshots.
@Suite struct HelpTests {
    @Test(arguments: [[], ["base"], ["base", "add"], ["base", "alias"], ["adapter"], ["adapter", "add"], ["adapter", "extract"], ["adapter", "export"], ["build"], ["ls"], ["show"], ["rm"], ["gc"], ["pull"], ["hold"]])
    func helpExitsZeroAndShowsExamples(_ command: [String]) throws {
        let run = try LoomProcess.run(command + ["--help"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("\nExamples:\n  loom "), "\(run)")
        #expect(run.stdout.contains("USAGE: loom \(command.joined(separator: " "))"), "\(run)")
        #expect(run.stderr.isEmpty, "\(run)")
    }

    @Test func helpIgnoresTheStoreAndCreatesNothing() throws {
        let cwd = try TemporaryDirectory(prefix: "loom-cli-cwd")
        let run = try LoomProcess.run(["build", "--help", "--store", cwd.file("Store")], in: cwd.path)
        #expect(run.status == 0, "\(run)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path).isEmpty)
    }

    @Test func versionExitsZero() throws {
        let run = try LoomProcess.run(["--version"])
        #expect(run.status == 0, "\(run)")
        #expect(!run.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    @Test(arguments: [(["--help"], "loom-help"), (["build", "--help"], "build-help")])
    func helpMatchesSnapshot(_ arguments: [String], snapshot: String) throws {
        let run = try LoomProcess.run(arguments).succeeded()
        try Snapshot.assert(run.stdout, matches: snapshot)
    }
}

/// Golden text files in `Tests/LoomCLITests/Snapshots/`, re-recorded when `RECORD_SNAPSHOTS=1` (style.md rule 14).
enum Snapshot {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots").path

    /// Compares `actual` with `Snapshots/<name>.txt`, or writes it there when recording.
    static func assert(_ actual: String, matches name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = directory + "/" + name + ".txt"
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try actual.write(toFile: path, atomically: true, encoding: .utf8)
            print("note: recorded snapshot \(path)")
            return
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            Issue.record("no snapshot at \(path); run with RECORD_SNAPSHOTS=1 to record it", sourceLocation: sourceLocation)
            return
        }
        #expect(
            actual == expected, "differs from \(path) (re-record with RECORD_SNAPSHOTS=1):\n\(difference(expected, actual))",
            sourceLocation: sourceLocation)
    }

    /// The first differing line, for a readable failure.
    private static func difference(_ expected: String, _ actual: String) -> String {
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(e.count, a.count) where i >= e.count || i >= a.count || e[i] != a[i] {
            let expectedLine = i < e.count ? String(e[i]) : "<end>", actualLine = i < a.count ? String(a[i]) : "<end>"
            return "line \(i + 1):\n  expected: \(expectedLine)\n  actual:   \(actualLine)"
        }
        return "(same lines)"
    }
}
