import Foundation
import LoomJSON
import LoomTesting
import Testing

@testable import LoomCLI

/// Issue 12 item 8: one adapter twice in a build, `--base NAME` against the adapters' registered base
/// version, and build's success line. (Decimal SIZEs: GCCommandTests; NAMEs on two bases: ListOptionsTests.)
@Suite struct SmallTrapsTests {
    @Test func theSameAdapterTwiceIsRefusedNamingBoth() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        let run = try store.loom("build", "--base", "llama-tiny", "--adapter", "llama-qv:0.5", "--adapter", "llama-qv:0.5")
        #expect(run.status == 3 && run.stderrLines.count == 1 && run.stdout.isEmpty, "\(run)")
        #expect(run.stderr.contains("llama-qv@1 is given twice (llama-qv:0.5 and llama-qv:0.5)") && run.stderr.contains("llama-qv:1.0"), "\(run)")
        #expect(try store.json("ls", "artifacts").arrayValue?.isEmpty == true)
        // The same bytes under two names are one adapter too.
        try store.ok("adapter", "add", Fixtures.path("adapters/llama-qv"), "--name", "alias", "--base", "llama-tiny")
        let twoNames = try store.loom("build", "--base", "llama-tiny", "--adapter", "llama-qv", "--adapter", "alias")
        #expect(twoNames.status == 3 && twoNames.stderr.contains("are the same bytes"), "\(twoNames)")
        let recipe = try store.loom("recipe", "add", "twice", "--base", "llama-tiny", "--adapter", "llama-qv", "--adapter", "llama-qv@1")
        #expect(recipe.status == 3 && recipe.stderr.contains("given twice"), "\(recipe)")
    }

    @Test func anUnversionedBaseSaysWhichVersionItUses() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        // llama-tiny@2: the same tensors under another config.
        let copy = store.directory.file("llama-tiny-v2")
        try FileManager.default.copyItem(atPath: Fixtures.path("bases/llama-tiny"), toPath: copy)
        let config = try String(contentsOfFile: copy + "/config.json", encoding: .utf8)
        try config.replacingOccurrences(of: "{", with: "{\"_loom_test_variant\": 2, ", options: [], range: config.range(of: "{"))
            .write(toFile: copy + "/config.json", atomically: true, encoding: .utf8)
        try store.ok("base", "add", copy, "--name", "llama-tiny")
        let bases = try #require(try store.json("ls", "bases").arrayValue)
        let v1 = try #require(bases.first { $0["version"]?.intValue == 1 }?["digest"])
        let v2 = try #require(bases.first { $0["version"]?.intValue == 2 }?["digest"])

        #expect(try store.json("build", "llama-qv")["base"] == v1)
        let explicit = try store.loom("build", "--base", "llama-tiny", "--adapter", "llama-qv", "--json")
        #expect(try explicit.json()["base"] == v2)
        #expect(explicit.stderr.contains("note: --base llama-tiny means llama-tiny@2, its latest version; llama-qv@1 was registered on llama-tiny@1"), "\(explicit)")
        let pinned = try store.loom("build", "--base", "llama-tiny@1", "--adapter", "llama-qv", "--json")
        #expect(try pinned.json()["base"] == v1 && !pinned.stderr.contains("note: --base"), "\(pinned)")
    }

    @Test func theSuccessLineIsNoError() {
        let line = BuildCommand.statusLine(cached: false, key: "sha256:" + String(repeating: "a", count: 64), dtype: "bf16", size: 2048)
        #expect(line == "built sha256:\(String(repeating: "a", count: 64)) (bf16, 2.0 KiB)")
        #expect(!line.hasPrefix("loom:"))
    }
}
