import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

/// `--qlora nf4 [--no-double-quant]` through the binary (spec §10.2): every qlora case of peft-v2 builds
/// from the command line onto bitsandbytes' NF4 round trip of the base, the option is in the key, and each
/// refusal is one line with its exit code, writing nothing.
@Suite struct QLoRACommandTests {
    /// A qlora case of Tests/Fixtures/peft-v2/cases.json.
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let adapter: String
        let doubleQuant: Bool
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        guard let data = FileManager.default.contents(atPath: Fixtures.v2Path("cases.json")),
            let items = try? JSONParser().parse(Array(data)).arrayValue
        else { return [] }
        return items.compactMap { item in
            guard let name = item["case"]?.stringValue, let q = item["qlora"], q["quant_type"]?.stringValue == "nf4",
                q["blocksize"]?.intValue == 64, let double = q["double_quant"]?.boolValue,
                let adapters = item["adapters"]?.arrayValue?.compactMap(\.stringValue), adapters.count == 1
            else { return nil }
            return Case(name: name, adapter: adapters[0], doubleQuant: double)
        }
    }()

    private func v2Store(adapters: [String] = ["q-qv", "q-mlp"]) throws -> CLIStore {
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
        #expect(run.stderr.contains(culprit), "\(run)", sourceLocation: sourceLocation)
    }

    @Test func everyQLoRACaseIsListed() {
        #expect(Self.cases.map(\.name).sorted() == ["qlora-nf4-bf16", "qlora-nf4-single-bf16"])
    }

    /// Unadapted quantized weights are the fixture's round trip; adapted ones are f64(W0) + ΔW rounded once.
    /// Both are held to the fixtures' bar: at least 99.9% of the elements of the changed tensors correctly
    /// rounded from `exact/`, none more than one ulp off; tensors the case does not change are the base's bytes.
    @Test(arguments: cases)
    func qloraCaseBuildsFromTheCommandLineOntoTheRoundTrip(_ fixture: Case) throws {
        let store = try v2Store(adapters: [fixture.adapter])
        var args = ["build", "--base", "llama-q", "--adapter", fixture.adapter, "--qlora", "nf4"]
        if !fixture.doubleQuant { args.append("--no-double-quant") }
        let built = try store.loom(args + ["--json"]).json()
        #expect(built["qlora"] == .object([
            "quant_type": .string("nf4"), "blocksize": .int(64), "double_quant": .bool(fixture.doubleQuant),
        ]))
        let ours = try TensorFile(try #require(built["path"]?.stringValue) + "/model.safetensors")
        let exact = try TensorFile(Fixtures.v2Path("exact/\(fixture.name).safetensors"))
        let base = try TensorFile(Fixtures.v2Path("bases/llama-q/model.safetensors"))
        #expect(exact.tensors.count == 14)
        var total = 0
        var offByOne = 0
        for (name, e) in exact.tensors {
            let o = try #require(ours.tensors[name], "missing \(name)")
            #expect(MergeBar.maxUlps(o.values, exact: e.values, dtype: o.dtype) <= 1, "\(name)")
            total += e.values.count
            offByOne += zip(o.values, e.values).filter { abs($0 - $1) > MergeBar.ulp($1, o.dtype) / 2 }.count
        }
        #expect(Double(offByOne) <= 0.001 * Double(total), "\(offByOne) of \(total) elements not correctly rounded")
        if !fixture.doubleQuant { #expect(offByOne == 0, "without double quant the round trip is exact") }
        for (name, b) in base.tensors where exact.tensors[name] == nil {
            #expect(ours.tensors[name]?.bytes == b.bytes, "unquantized tensor \(name) changed")
        }
    }

    @Test func optionIsInTheKeyAndAbsentKeepsTodaysKey() throws {
        let store = try v2Store(adapters: ["q-qv"])
        let plain = try store.json("build", "--base", "llama-q", "--adapter", "q-qv")
        #expect(plain["qlora"] == nil)
        let double = try store.json("build", "--base", "llama-q", "--adapter", "q-qv", "--qlora", "nf4")
        let single = try store.json("build", "--base", "llama-q", "--adapter", "q-qv", "--qlora", "nf4", "--no-double-quant")
        #expect(Set([plain["key"], double["key"], single["key"]]).count == 3)
        let again = try store.json("build", "--base", "llama-q", "--adapter", "q-qv", "--qlora", "nf4")
        #expect(again["key"] == double["key"] && again["cached"] == .bool(true))
        let ours = try TensorFile(try #require(double["path"]?.stringValue) + "/model.safetensors")
        #expect(ours.metadata["loom.qlora"] == #"{"quant_type":"nf4","blocksize":64,"double_quant":true}"#)
        // An ordinary checkpoint: no quantization_config in config.json.
        let config = try String(contentsOfFile: try #require(double["path"]?.stringValue) + "/config.json", encoding: .utf8)
        #expect(!config.contains("quantization_config"))
    }

    @Test func recipeStoresTheQLoRAOptions() throws {
        let store = try v2Store(adapters: ["q-mlp"])
        let saved = try store.json("recipe", "add", "q", "--adapter", "q-mlp", "--qlora", "nf4", "--no-double-quant")
        #expect(saved["qlora"] == .object(["quant_type": .string("nf4"), "double_quant": .bool(false)]))
        let byName = try store.json("build", "q")
        let explicit = try store.json("build", "--base", "llama-q@1", "--adapter", "q-mlp", "--qlora", "nf4", "--no-double-quant")
        #expect(byName["key"] == explicit["key"] && explicit["cached"] == .bool(true))
        // --replace without --qlora keeps it; a recipe build takes no --qlora.
        let replaced = try store.json("recipe", "add", "q", "--adapter", "q-mlp:0.5", "--replace")
        #expect(replaced["qlora"] == saved["qlora"])
        expectRefusal(try store.loom("build", "q", "--qlora", "nf4"), exit: 3, naming: "recipe add")
    }

    @Test(arguments: [
        (["--qlora", "fp4"], "fp4"),
        (["--qlora", "int8"], "--qlora"),
        (["--no-double-quant"], "--no-double-quant"),
    ])
    func flagThatDoesNotFitIsAUsageError(_ options: [String], culprit: String) throws {
        let store = try v2Store(adapters: ["q-qv"])
        expectRefusal(try store.loom(["build", "--base", "llama-q", "--adapter", "q-qv"] + options), exit: 64, naming: culprit)
        expectRefusal(try store.loom(["recipe", "add", "r", "--adapter", "q-qv"] + options), exit: 64, naming: culprit)
        #expect(try store.json("ls", "artifacts") == [] && store.json("recipe", "ls") == [])
    }

    @Test func conv1DBaseIsRefusedByName() throws {
        let store = try CLIStore()
        try store.ok("base", "add", Fixtures.path("bases/gpt2-tiny"), "--name", "gpt2-tiny")
        try store.ok("adapter", "add", Fixtures.path("adapters/gpt2-c-attn"), "--name", "gpt2-c-attn")
        expectRefusal(try store.loom("build", "gpt2-c-attn", "--qlora", "nf4"), exit: 3, naming: "Conv1D")
        #expect(try store.json("ls", "artifacts") == [])
    }
}
