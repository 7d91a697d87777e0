import Foundation
import LoomJSON
import LoomTesting
import Testing

/// `base add --hf-id/--alias`, `base alias`, and what `ls`/`show` say about a base's Hub id and aliases
/// and about the tokenizer files an adapter ships (issue 12, items 1 and 3).
@Suite struct BaseIdentityCommandTests {
    /// fixture llama-qv with `base_model_name_or_path` set to `base` and a tokenizer.json beside it.
    func adapter(_ store: CLIStore, naming base: String) throws -> String {
        let dir = store.directory.file("sql-lora")
        try FileManager.default.copyItem(atPath: Fixtures.path("adapters/llama-qv"), toPath: dir)
        let configPath = dir + "/adapter_config.json"
        var config = try #require(try JSONParser().parse(Array(try Data(contentsOf: URL(fileURLWithPath: configPath)))).objectValue)
        config["base_model_name_or_path"] = .string(base)
        try Data(JSONWriter(indent: 2).bytes(.object(config))).write(to: URL(fileURLWithPath: configPath))
        try Data(#"{"version":"1.0"}"#.utf8).write(to: URL(fileURLWithPath: dir + "/tokenizer.json"))
        return dir
    }

    @Test func theReadmeStoryFindsTheBaseByItsHubID() throws {
        let store = try CLIStore()
        try store.ok("base", "add", Fixtures.path("bases/llama-tiny"), "--name", "llama3", "--hf-id", "meta-llama/Meta-Llama-3-8B", "--alias", "l3")
        let dir = try adapter(store, naming: "meta-llama/Meta-Llama-3-8B")
        let added = try store.ok("adapter", "add", dir, "--name", "sql")
        #expect(added.stdout.contains("llama3@1"), "\(added)")
        #expect(added.stderr.contains("tokenizer.json"), "\(added)")

        let base = try #require(try store.json("ls", "bases").arrayValue?.first)
        #expect(base["hf_repo"]?.stringValue == "meta-llama/Meta-Llama-3-8B" && base["hf_revision"] == .null)
        #expect(base["aliases"] == .array([.string("l3")]))
        #expect(try store.json("show", "l3")["name"]?.stringValue == "llama3")

        let shown = try store.json("show", "sql")
        #expect(shown["ships"] == .array([.string("tokenizer.json")]))
        #expect(try store.ok("show", "sql").stdout.contains("ships: tokenizer.json"))
        let built = try store.ok("build", "sql")
        #expect(built.stderr.contains("note: tokenizer.json from adapter sql@1 (the base has none)"), "\(built)")
    }

    @Test func aliasesAreAddedRemovedAndUniqueAcrossNames() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        #expect(try store.ok("base", "alias", "llama-tiny", "tiny").stdout.contains("also tiny"))
        #expect(try store.ok("base", "alias", "llama-tiny", "tiny").stdout.contains("unchanged"))
        let taken = try store.loom("base", "alias", "llama-tiny", "llama-qv")
        #expect(taken.status == 4 && taken.stderrLines.count == 1, "\(taken)")
        #expect(try store.ok("base", "alias", "llama-tiny", "tiny", "--remove").stdout.contains("removed"))
        let gone = try store.loom("base", "alias", "llama-tiny", "tiny", "--remove")
        #expect(gone.status == 2 && gone.stderr.contains("tiny"), "\(gone)")
    }

    @Test func aBadHubIDIsRefusedBeforeAnythingIsStored() throws {
        let store = try CLIStore()
        let run = try store.loom("base", "add", Fixtures.path("bases/llama-tiny"), "--name", "lt", "--hf-id", "a/b/c")
        #expect(run.status == 3 && run.stderrLines.count == 1 && run.stderr.contains("a/b/c"), "\(run)")
        #expect(!store.exists("Store/catalog.sqlite"))
    }
}
