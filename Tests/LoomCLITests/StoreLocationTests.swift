import Foundation
import LoomJSON
import LoomTesting
import Testing

/// Which store a command uses: `--store` before or after the subcommand, else `$LOOM_STORE`, else `./Store`;
/// and read-only commands never create one.
@Suite struct StoreLocationTests {
    private static let base = Fixtures.path("bases/llama-tiny")

    /// Base names listed by `ls bases --json` in the store at `path`.
    private func baseNames(in path: String) throws -> [String] {
        let listing = try LoomProcess.run(["ls", "bases", "--json", "--store", path]).json()
        return try #require(listing.arrayValue).compactMap { $0["name"]?.stringValue }
    }

    @Test func storeOptionWorksBeforeTheSubcommand() throws {
        let store = try CLIStore()
        try LoomProcess.run(["--store", store.path, "base", "add", Self.base, "--name", "n"]).succeeded()
        #expect(store.exists("Store/catalog.sqlite"))
        let listing = try LoomProcess.run(["--store", store.path, "ls", "--json"]).json()
        #expect(listing["bases"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["n"])
        let text = try LoomProcess.run(["--store", store.path, "ls"]).succeeded()
        #expect(text.stdout.contains("n@1"))
    }

    @Test func storeOptionWorksAfterTheSubcommand() throws {
        let store = try CLIStore()
        try LoomProcess.run(["base", "add", Self.base, "--name", "n", "--store", store.path]).succeeded()
        #expect(store.exists("Store/catalog.sqlite"))
        let listing = try LoomProcess.run(["ls", "--store", store.path]).succeeded()
        #expect(listing.stdout.contains("n@1"))
        #expect(try baseNames(in: store.path) == ["n"])
    }

    @Test func storeOptionWithEqualsSignWorksBeforeTheSubcommand() throws {
        let store = try CLIStore()
        try LoomProcess.run(["--store=\(store.path)", "base", "add", Self.base, "--name", "n"]).succeeded()
        #expect(try baseNames(in: store.path) == ["n"])
    }

    @Test func environmentVariableNamesTheStoreWhenNoOptionDoes() throws {
        let store = try CLIStore()
        let elsewhere = try TemporaryDirectory(prefix: "loom-cli-cwd")
        let env = ["LOOM_STORE": store.path]
        try LoomProcess.run(["base", "add", Self.base, "--name", "n"], environment: env, in: elsewhere.path).succeeded()
        #expect(store.exists("Store/catalog.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: elsewhere.file("Store")))
        let listing = try LoomProcess.run(["ls", "bases", "--json"], environment: env, in: elsewhere.path).json()
        #expect(listing.arrayValue?.count == 1)
    }

    @Test func storeOptionWinsOverTheEnvironmentVariable() throws {
        let flagged = try CLIStore(), ignored = try CLIStore()
        let env = ["LOOM_STORE": ignored.path]
        try LoomProcess.run(["base", "add", Self.base, "--name", "n", "--store", flagged.path], environment: env).succeeded()
        #expect(flagged.exists("Store/catalog.sqlite"))
        #expect(!ignored.exists("Store"))
    }

    /// `--store "$UNSET"` or `LOOM_STORE=` would make the working directory the store: refused as a usage
    /// error (64) in one line, before anything is created there.
    @Test(arguments: [(["--store", ""], [:]), (["--store="], [:]), ([], ["LOOM_STORE": ""])] as [([String], [String: String])])
    func anEmptyStorePathIsAUsageError(_ options: [String], _ environment: [String: String]) throws {
        let cwd = try TemporaryDirectory(prefix: "loom-cli-cwd")
        for command in [["base", "add", Self.base, "--name", "n"], ["gc"], ["ls"]] {
            let run = try LoomProcess.run(command + options, environment: environment, in: cwd.path)
            #expect(run.status == 64 && run.stderrLines.count == 1 && (run.stderr.contains("--store") || run.stderr.contains("LOOM_STORE")), "\(run)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path).isEmpty, "\(run)")
        }
    }

    @Test func defaultStoreIsStoreInTheWorkingDirectory() throws {
        let cwd = try TemporaryDirectory(prefix: "loom-cli-cwd")
        try LoomProcess.run(["base", "add", Self.base, "--name", "n"], in: cwd.path).succeeded()
        #expect(FileManager.default.fileExists(atPath: cwd.file("Store/catalog.sqlite")))
        let listing = try LoomProcess.run(["ls", "bases", "--json"], in: cwd.path).json()
        #expect(listing.arrayValue?.first?["name"]?.stringValue == "n")
    }

    @Test(arguments: [["ls"], ["ls", "--json"], ["ls", "adapters", "--json"], ["show", "x"], ["show", "x", "--json"]])
    func readOnlyCommandOnAMissingStoreCreatesNothing(_ arguments: [String]) throws {
        let store = try CLIStore()
        let run = try store.loom(arguments)
        #expect(!store.exists("Store"), "\(run)")
        // Nor the default ./Store, with the same command given no store at all.
        let cwd = try TemporaryDirectory(prefix: "loom-cli-cwd")
        let bare = try LoomProcess.run(arguments, in: cwd.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path).isEmpty, "\(bare)")
        #expect(bare.status == run.status && bare.stdout == run.stdout)
        if arguments[0] == "show" {
            #expect(run.status == 2 && run.stdout.isEmpty, "\(run)")
        } else {
            #expect(run.status == 0, "\(run)")
        }
    }

    @Test func listingAMissingStoreAsJSONIsEmpty() throws {
        let store = try CLIStore()
        let listing = try store.json("ls")
        #expect(listing == .object(["bases": [], "adapters": [], "artifacts": [], "recipes": []]))
        #expect(try store.json("ls", "adapters") == [])
    }

    /// Issue 12 item 7: in another directory `loom ls` printed empty tables with exit 0, and the next write
    /// silently created a second ./Store. Listings now name the missing store on stderr (and stay empty, exit
    /// 0); commands that need a thing fail naming it (exit 2); the first write says where it created one.
    @Test func aMissingStoreIsNamedAndTheWriteThatCreatesOneSaysWhere() throws {
        let cwd = try TemporaryDirectory(prefix: "loom-cli-cwd")
        for command in [["ls"], ["ls", "--json"], ["ls", "-q"], ["log"], ["recipe", "ls"]] {
            let run = try LoomProcess.run(command, in: cwd.path)
            #expect(run.status == 0 && run.stderrLines.count == 1, "\(run)")
            #expect(run.stderr.contains("no store at /") && run.stderr.contains("/Store; use --store or LOOM_STORE"), "\(run)")
        }
        #expect(try LoomProcess.run(["ls", "--json"], in: cwd.path).json()["bases"] == [])
        for command in [["show", "x"], ["audit", "x"], ["rm", "adapter", "x"], ["recipe", "rm", "x"], ["build", "x"]] {
            let run = try LoomProcess.run(command, in: cwd.path)
            #expect(run.status == 2 && run.stderrLines.count == 1 && run.stdout.isEmpty, "\(run)")
            #expect(run.stderr.contains("no store at /") && run.stderr.contains("use --store or LOOM_STORE"), "\(run)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: cwd.path).isEmpty)

        let created = try LoomProcess.run(["base", "add", Self.base, "--name", "n", "--json"], in: cwd.path).succeeded()
        #expect(created.stderr.contains("created store at /") && created.stderr.contains("/Store"), "\(created)")
        #expect(!created.stdout.contains("created store"))
        _ = try created.json()
        let again = try LoomProcess.run(["base", "add", Self.base, "--name", "m"], in: cwd.path).succeeded()
        #expect(!again.stderr.contains("created store"), "\(again)")
        let listed = try LoomProcess.run(["ls"], in: cwd.path).succeeded()
        #expect(!listed.stderr.contains("no store"), "\(listed)")
    }
}
