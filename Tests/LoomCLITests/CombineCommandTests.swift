import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

/// `--combine`, `--density`, `--majority-sign` and `--seed` through the binary: the peft-v2 cases build
/// from the command line, recipes store the options, and each refusal is one line with its exit code
/// (64 for an option that does not fit, 3 for an adapter the method cannot combine), writing nothing.
@Suite struct CombineCommandTests {
    private func v2Store(adapters: [String] = ["q-qv", "q-mlp", "q-ov"]) throws -> CLIStore {
        let store = try CLIStore()
        try store.ok("base", "add", Fixtures.v2Path("bases/llama-q"), "--name", "llama-q")
        for adapter in adapters { try store.ok("adapter", "add", Fixtures.v2Path("adapters/" + adapter), "--name", adapter) }
        return store
    }

    private func expectRefusal(
        _ run: LoomRun, exit code: Int32, naming culprit: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(run.status == code, "\(run)", sourceLocation: sourceLocation)
        #expect(run.stdout.isEmpty && run.stderrLines.count == 1, "\(run)", sourceLocation: sourceLocation)
        #expect(run.stderr.hasPrefix("loom: ") || run.stderr.hasPrefix("Error: "), "\(run)", sourceLocation: sourceLocation)
        #expect(run.stderr.contains(culprit), "\(run)", sourceLocation: sourceLocation)
    }

    @Test func tiesCaseBuildsFromTheCommandLineWithinOneRounding() throws {
        let store = try v2Store()
        let built = try store.json(
            "build", "--base", "llama-q", "--adapter", "q-qv:1.0", "--adapter", "q-mlp:0.8", "--adapter", "q-ov:0.5",
            "--combine", "ties", "--density", "0.5", "--majority-sign", "total")
        #expect(built["combine"] == .object(["method": .string("ties"), "density": .double(0.5), "majority_sign": .string("total")]))
        let path = try #require(built["path"]?.stringValue)
        let ours = try TensorFile(path + "/model.safetensors")
        let exact = try TensorFile(Fixtures.v2Path("exact/ties-total-bf16.safetensors"))
        #expect(!exact.tensors.isEmpty)
        for (name, e) in exact.tensors {
            let o = try #require(ours.tensors[name])
            #expect(MergeBar.withinOneRounding(o.values, exact: e.values, dtype: o.dtype), "\(name)")
        }
        // The same request is a cache hit; majority sign total is the default, so leaving it out is the same key.
        let again = try store.json(
            "build", "--base", "llama-q", "--adapter", "q-ov:0.5", "--adapter", "q-qv:1.0", "--adapter", "q-mlp:0.8",
            "--combine", "ties", "--density", "0.5")
        #expect(again["key"] == built["key"] && again["cached"] == .bool(true))
    }

    @Test func recipeStoresTheCombination() throws {
        let store = try v2Store(adapters: ["q-qv", "q-mlp"])
        let saved = try store.json(
            "recipe", "add", "prune", "--base", "llama-q", "--adapter", "q-qv:0.7", "--adapter", "q-mlp:0.3",
            "--combine", "magnitude_prune", "--density", "0.4")
        #expect(saved["combine"] == .object(["method": .string("magnitude_prune"), "density": .double(0.4)]))
        #expect(try store.ok("recipe", "ls").stdout.contains("magnitude_prune density 0.4"))
        let byName = try store.json("build", "prune")
        let explicit = try store.json(
            "build", "--base", "llama-q", "--adapter", "q-qv:0.7", "--adapter", "q-mlp:0.3", "--combine", "magnitude_prune",
            "--density", "0.4")
        #expect(byName["key"] == explicit["key"] && explicit["cached"] == .bool(true))
        #expect(try store.json("build", "--base", "llama-q", "--adapter", "q-qv")["combine"] == .object(["method": .string("linear")]))
        let ours = try TensorFile(try #require(byName["path"]?.stringValue) + "/model.safetensors")
        for (name, e) in try TensorFile(Fixtures.v2Path("exact/magnitude-prune-bf16.safetensors")).tensors {
            let o = try #require(ours.tensors[name])
            #expect(MergeBar.withinOneRounding(o.values, exact: e.values, dtype: o.dtype), "\(name)")
        }
        // Same content is unchanged; other options need --replace; a recipe build takes no --combine.
        #expect(try store.ok(
            "recipe", "add", "prune", "--base", "llama-q", "--adapter", "q-qv:0.7", "--adapter", "q-mlp:0.3",
            "--combine", "magnitude_prune", "--density", "0.4").stdout.hasPrefix("unchanged"))
        expectRefusal(
            try store.loom(
                "recipe", "add", "prune", "--base", "llama-q", "--adapter", "q-qv:0.7", "--adapter", "q-mlp:0.3",
                "--combine", "magnitude_prune", "--density", "0.5"),
            exit: 4, naming: "--replace")
        expectRefusal(try store.loom("build", "prune", "--combine", "ties", "--density", "0.5"), exit: 3, naming: "recipe add")
    }

    @Test(arguments: [
        (["--combine", "ties", "--density", "0"], "(0, 1]"),
        (["--combine", "ties", "--density", "1.5"], "(0, 1]"),
        (["--combine", "dare_linear", "--density=-0.2"], "(0, 1]"),
        (["--combine", "ties", "--density", "nan"], "(0, 1]"),
        (["--combine", "ties"], "needs --density"),
        (["--density", "0.5"], "--density"),
        (["--combine", "linear", "--density", "0.5"], "--density"),
        (["--combine", "ties", "--density", "0.5", "--seed", "7"], "--seed"),
        (["--combine", "magnitude_prune", "--density", "0.5", "--seed", "7"], "--seed"),
        (["--seed", "7"], "--seed"),
        (["--combine", "magnitude_prune", "--density", "0.5", "--majority-sign", "total"], "--majority-sign"),
        (["--combine", "dare_linear", "--density", "0.5", "--majority-sign", "frequency"], "--majority-sign"),
        (["--combine", "ties", "--density", "0.5", "--majority-sign", "most"], "most"),
        (["--combine", "dare_linear", "--density", "0.5", "--seed=-1"], "--seed"),
        (["--combine", "svd", "--density", "0.5"], "svd"),
    ])
    func optionThatDoesNotFitIsAUsageError(_ options: [String], culprit: String) throws {
        let store = try v2Store(adapters: ["q-qv"])
        expectRefusal(try store.loom(["build", "--base", "llama-q", "--adapter", "q-qv"] + options), exit: 64, naming: culprit)
        expectRefusal(
            try store.loom(["recipe", "add", "r", "--base", "llama-q", "--adapter", "q-qv"] + options), exit: 64, naming: culprit)
        #expect(try store.json("ls", "artifacts") == [] && store.json("recipe", "ls") == [])
    }

    @Test(arguments: [("llama-dora", "DoRA"), ("llama-mts", "replaces")])
    func adapterTheMethodCannotCombineIsRefusedByName(_ adapter: String, what: String) throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv", adapter])
        for method in ["ties", "magnitude_prune", "dare_linear", "dare_ties"] {
            let run = try store.loom(
                "build", "--base", "llama-tiny", "--adapter", "llama-qv", "--adapter", adapter, "--combine", method, "--density", "0.5")
            expectRefusal(run, exit: 3, naming: "adapter \(adapter)@1")
            #expect(run.stderr.contains(what) && run.stderr.contains(method), "\(run)")
        }
        // Alone too: the method applies to one adapter as well.
        expectRefusal(
            try store.loom("build", "--base", "llama-tiny", "--adapter", adapter, "--combine", "ties", "--density", "0.5"),
            exit: 3, naming: "adapter \(adapter)@1")
        expectRefusal(
            try store.loom("recipe", "add", "r", "--base", "llama-tiny", "--adapter", adapter, "--combine", "ties", "--density", "0.5"),
            exit: 3, naming: "adapter \(adapter)@1")
        #expect(try store.json("ls", "artifacts") == [] && store.json("recipe", "ls") == [])
    }
}
