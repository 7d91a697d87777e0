import Foundation
import LoomJSON
import LoomTesting
import Testing

/// Failures are one `loom: …` line on stderr naming the culprit, nothing on stdout, and an exit code by kind:
/// 2 not found, 3 invalid input, 4 conflict, 64 usage.
@Suite struct ErrorReportingTests {
    /// Checks the error contract for one run and returns its single stderr line.
    @discardableResult
    private func expectError(
        _ run: LoomRun, exit code: Int32, naming culprit: String, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String {
        #expect(run.status == code, "\(run)", sourceLocation: sourceLocation)
        #expect(run.stdout.isEmpty, "\(run)", sourceLocation: sourceLocation)
        #expect(run.stderrLines.count == 1, "\(run)", sourceLocation: sourceLocation)
        let line = String(run.stderrLines.first ?? "")
        #expect(line.hasPrefix("loom: "), "\(run)", sourceLocation: sourceLocation)
        #expect(line.contains(culprit), "\(run)", sourceLocation: sourceLocation)
        return line
    }

    // MARK: - Not found (2)

    @Test(arguments: [["build", "nosuch"], ["show", "nosuch"], ["rm", "adapter", "nosuch"], ["build", "--adapter", "nosuch"]])
    func unknownNameIsNotFound(_ arguments: [String]) throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        expectError(try store.loom(arguments), exit: 2, naming: "nosuch")
        expectError(try store.loom(arguments + ["--json"]), exit: 2, naming: "nosuch")
    }

    @Test func unknownNameInAnEmptyStoreIsNotFound() throws {
        let store = try CLIStore()
        expectError(try store.loom("show", "nosuch"), exit: 2, naming: "nosuch")
        let build = try store.loom("build", "nosuch")
        expectError(build, exit: 2, naming: store.path)
        #expect(build.stderr.contains("nosuch"), "\(build)")
    }

    @Test func unknownVersionIsNotFound() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        expectError(try store.loom("build", "llama-qv@7"), exit: 2, naming: "llama-qv@7")
    }

    // MARK: - Invalid input (3)

    @Test(arguments: ["a/b", "-x", ".hidden", "sp ace"])
    func badNameIsInvalid(_ name: String) throws {
        let store = try CLIStore()
        expectError(try store.loom("base", "add", Fixtures.path("bases/llama-tiny"), "--name=\(name)"), exit: 3, naming: name)
        let bases = try store.json("ls", "bases")
        #expect(bases == [])
    }

    @Test func missingDirectoryIsNotFoundAndCreatesNoStore() throws {
        let store = try CLIStore()
        expectError(try store.loom("base", "add", store.directory.file("nowhere"), "--name", "n"), exit: 2, naming: "nowhere")
        #expect(!store.exists("Store"))
    }

    /// The adapters of `Tests/Fixtures/peft/bad/`, each named for what is wrong with it.
    static let badFixtures = [
        "header-overflow", "nan-weights", "pickle-only", "rank-mismatch", "truncated", "unknown-target", "wrong-base-shape",
    ]

    @Test(arguments: badFixtures)
    func badFixtureAdapterIsRefusedAndNothingIsRegistered(_ fixture: String) throws {
        let store = try CLIStore()
        try store.register(adapters: [])
        expectError(try store.loom("adapter", "add", Fixtures.path("bad/" + fixture), "--name", "bad"), exit: 3, naming: fixture)
        #expect(try store.json("ls", "adapters") == [])
    }

    @Test func everyBadFixtureIsCovered() throws {
        let readme = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("bad/README.json")))
        let listed = try #require(try JSONParser().parse(readme).objectValue).keys
        #expect(Set(listed) == Set(Self.badFixtures))
    }

    // MARK: - Conflict (4)

    @Test func adapterNamedLikeABaseIsAConflict() throws {
        let store = try CLIStore()
        try store.register(adapters: [])
        let run = try store.loom("adapter", "add", Fixtures.path("adapters/llama-qv"), "--name", "llama-tiny")
        expectError(run, exit: 4, naming: "llama-tiny")
        #expect(try store.json("ls", "adapters") == [])
    }

    @Test func removingABaseWithAdaptersIsAConflictAndRemovesNothing() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        let before = try store.json("ls")
        let line = expectError(try store.loom("rm", "base", "llama-tiny"), exit: 4, naming: "llama-tiny")
        #expect(line.contains("llama-qv"))
        #expect(try store.json("ls") == before)
    }

    // MARK: - Usage (64)

    @Test func missingRequiredOptionIsAUsageError() throws {
        let store = try CLIStore()
        expectError(try store.loom("base", "add", Fixtures.path("bases/llama-tiny")), exit: 64, naming: "--name")
        #expect(!store.exists("Store"))
    }

    @Test func unknownDTypeIsAUsageError() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        expectError(try store.loom("build", "llama-qv", "--dtype", "f8"), exit: 64, naming: "f8")
        #expect(try store.json("ls", "artifacts") == [])
    }

    @Test(arguments: [
        (["build"], "NAME"), (["build", "llama-qv", "--base", "llama-tiny"], "not both"), (["ls", "recipe"], "recipe"),
        (["rm", "thing", "x"], "thing"), (["ls", "--jsn"], "--jsn"), (["ls", "bases", "extra"], "extra"),
    ])
    func malformedCommandLineIsAUsageError(_ arguments: [String], culprit: String) throws {
        let store = try CLIStore()
        expectError(try store.loom(arguments), exit: 64, naming: culprit)
        #expect(!store.exists("Store"))
    }

    @Test func unknownSubcommandIsAUsageError() throws {
        let cwd = try TemporaryDirectory(prefix: "loom-cli-cwd")
        expectError(try LoomProcess.run(["frobnicate"], in: cwd.path), exit: 64, naming: "frobnicate")
        // With a trailing --store, argument-parser reports the option the root command lacks instead.
        expectError(try LoomProcess.run(["frobnicate", "--store", cwd.file("Store")], in: cwd.path), exit: 64, naming: "--store")
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path).isEmpty)
    }
}
