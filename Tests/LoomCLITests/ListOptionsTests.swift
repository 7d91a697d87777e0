import Foundation
import LoomJSON
import LoomTesting
import Testing

/// `loom ls` for real stores (issue 12 item 6): sort, limit, filters, `-q`, human parameter counts, and a
/// "did you mean" for a mistyped name.
@Suite struct ListOptionsTests {
    /// llama-tiny with three adapters, gpt2-tiny with one; two artifacts on llama-tiny (one pinned), one on gpt2.
    private static func store() throws -> CLIStore {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv", "llama-qv-b", "llama-all-rslora"])
        try store.ok("base", "add", Fixtures.path("bases/gpt2-tiny"), "--name", "gpt2-tiny")
        try store.ok("adapter", "add", Fixtures.path("adapters/gpt2-c-attn"), "--name", "gpt2-c-attn")
        try store.ok("build", "llama-qv")
        try store.ok("build", "llama-qv-b", "--dtype", "f32")
        try store.ok("build", "gpt2-c-attn")
        try store.ok("pin", "llama-qv")
        return store
    }

    private func lines(_ run: LoomRun) -> [String] { run.stdout.split(separator: "\n").map(String.init) }

    @Test func quietPrintsOneReferenceOrKeyALineAndFiltersApply() throws {
        let store = try Self.store()
        let all = try store.json("ls")
        let keys = (all["artifacts"]?.arrayValue ?? []).compactMap { $0["key"]?.stringValue }
        #expect(lines(try store.ok("ls", "adapters", "-q")) == ["gpt2-c-attn@1", "llama-all-rslora@1", "llama-qv@1", "llama-qv-b@1"])
        #expect(lines(try store.ok("ls", "bases", "-q")) == ["gpt2-tiny@1", "llama-tiny@1"])
        #expect(Set(lines(try store.ok("ls", "artifacts", "-q"))) == Set(keys) && keys.count == 3)
        #expect(lines(try store.ok("ls", "-q", "--base", "gpt2-tiny")).count == 3)  // base, adapter, artifact
        #expect(lines(try store.ok("ls", "adapters", "-q", "--base", "llama-tiny@1")).count == 3)
        let pinned = lines(try store.ok("ls", "--pinned", "-q"))
        let pinnedKeys = (all["artifacts"]?.arrayValue ?? []).filter { $0["pinned"] == .bool(true) }.compactMap { $0["key"]?.stringValue }
        #expect(pinned == pinnedKeys && pinned.count == 1)
        #expect(lines(try store.ok("ls", "-q", "--larger-than", "1T")).isEmpty)
        #expect(lines(try store.ok("ls", "-q", "--older-than", "1d")).isEmpty)
        #expect(lines(try store.ok("ls", "adapters", "-q", "--older-than", "0")).count == 4)
    }

    @Test func sortAndLimitOrderEachKind() throws {
        let store = try Self.store()
        let adapters = try #require(try store.json("ls", "adapters").arrayValue)
        let bySize = adapters.sorted { ($0["size"]?.intValue ?? 0) > ($1["size"]?.intValue ?? 0) }.compactMap { $0["ref"]?.stringValue }
        #expect(lines(try store.ok("ls", "adapters", "-q", "--sort", "size")) == bySize)
        #expect(lines(try store.ok("ls", "adapters", "-q", "--sort", "size", "--limit", "2")) == Array(bySize.prefix(2)))
        let newest = lines(try store.ok("ls", "adapters", "-q", "--sort", "age", "--limit", "1"))
        #expect(newest == ["gpt2-c-attn@1"])  // registered last
        let used = try #require(try store.json("ls", "artifacts", "--sort", "age").arrayValue).compactMap { $0["last_used_at"]?.stringValue }
        #expect(used.count == 3 && used == used.sorted(by: >))
        #expect(try store.json("ls", "--limit", "1")["adapters"]?.arrayValue?.count == 1)
    }

    @Test func badListOptionsAreUsageErrors() throws {
        let store = try CLIStore()
        for arguments in [["--sort", "colour"], ["--limit", "-1"], ["-q", "--json"], ["bases", "--pinned"], ["--larger-than", "1X"]] {
            let run = try store.loom(["ls"] + arguments)
            #expect(run.status == 64 && run.stderrLines.count == 1, "\(run)")
        }
    }

    @Test func tablesShowParameterCountsForPeople() throws {
        let store = try Self.store()
        let bases = try #require(try store.json("ls", "bases").arrayValue)
        let table = try store.ok("ls", "bases").stdout
        for b in bases {
            let count = try #require(b["parameters"]?.intValue)
            #expect(count < 1000 || !table.contains(" \(count) "), "\(table)")
        }
        #expect(table.contains(#/\d(\.\d+)?[KMB] /#), "\(table)")
    }

    @Test func aMistypedNameGetsASuggestion() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        for arguments in [["show", "llama-qw"], ["build", "lama-qv"], ["build", "--base", "llama-tinny", "--adapter", "llama-qv"],
                          ["rm", "adapter", "llama-vq"], ["audit", "llama-q"]] {
            let run = try store.loom(arguments)
            #expect(run.status == 2 && run.stderrLines.count == 1, "\(run)")
            #expect(run.stderr.contains("did you mean \"llama-"), "\(run)")
        }
        let filter = try store.loom("ls", "--base", "llama-tin")
        #expect(filter.status == 2 && filter.stderr.contains("did you mean \"llama-tiny\"?"), "\(filter)")
        let far = try store.loom("show", "mistral")
        #expect(far.status == 2 && !far.stderr.contains("did you mean"), "\(far)")
    }

    @Test func artifactNamesDistinguishBases() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        // The same tensors under another config: another base digest, so another cache key.
        let copy = store.directory.file("llama-copy")
        try FileManager.default.copyItem(atPath: Fixtures.path("bases/llama-tiny"), toPath: copy)
        let config = try String(contentsOfFile: copy + "/config.json", encoding: .utf8)
        try config.replacingOccurrences(of: "{", with: "{\"_loom_test_variant\": 1, ", options: [], range: config.range(of: "{"))
            .write(toFile: copy + "/config.json", atomically: true, encoding: .utf8)
        try store.ok("base", "add", copy, "--name", "llama-copy")
        try store.ok("build", "llama-qv")
        try store.ok("build", "--base", "llama-copy", "--adapter", "llama-qv")
        let table = try store.ok("ls", "artifacts").stdout
        #expect(table.contains("llama-qv on llama-tiny@1") && table.contains("llama-qv on llama-copy@1"), "\(table)")
    }
}

/// The shell completion argument-parser generates (documented in the README) knows loom's commands and options.
@Suite struct CompletionTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptNamesTheCommands(shell: String) throws {
        let run = try LoomProcess.run(["--generate-completion-script", shell]).succeeded()
        for word in ["verify-attestation", "older-than", "larger-than"] { #expect(run.stdout.contains(word), "\(shell): no \(word)") }
    }
}
