import Foundation
import LoomJSON
import LoomTesting
import Testing

@testable import LoomCLI

/// `loom show ADAPTER` groups the adapted modules (issue 12 item 5); `--full` and `--json` list each one.
@Suite struct ShowSummaryTests {
    private static func module(_ name: String, rank: Int = 16, scaling: Double = 2) -> JSONValue {
        .object(["module": .string(name), "target": .string(name + ".weight"), "kind": "linear", "rank": .int(rank),
                 "alpha": .double(Double(rank) * scaling), "scaling": .double(scaling), "dora": false])
    }

    @Test func modulesWithTheSameSettingsOverTheSameLayersShareALine() {
        var modules: [JSONValue] = []
        for layer in 0..<32 {
            for leaf in ["q_proj", "v_proj"] { modules.append(Self.module("model.layers.\(layer).self_attn.\(leaf)")) }
        }
        for layer in 0..<4 { modules.append(Self.module("model.layers.\(layer).mlp.down_proj", rank: 8, scaling: 0.5)) }
        modules.append(Self.module("lm_head", rank: 4))
        let grouped = ModuleSummary.grouped(modules)
        #expect(grouped.members.map(\.key) == ["q_proj, v_proj × 32 layers", "down_proj × layers 0-3", "lm_head"])
        #expect(grouped["q_proj, v_proj × 32 layers"] == .string("r 16, s 2"))
        #expect(grouped["down_proj × layers 0-3"] == .string("r 8, s 0.5"))
        #expect(grouped["lm_head"] == .string("r 4, s 2"))
    }

    @Test func layerRangesNameTheExceptions() {
        #expect(ModuleSummary.layerText([0, 1, 2, 5, 7, 8], all: Set(0..<10)) == " × layers 0-2, 5, 7-8")
        #expect(ModuleSummary.layerText([3], all: Set(0..<10)) == " × layer 3")
        #expect(ModuleSummary.layerText(Array(0..<10), all: Set(0..<10)) == " × 10 layers")
    }

    @Test func showSummarisesAndFullListsEveryModule() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-all-rslora"])
        let modules = try #require(try store.json("show", "llama-all-rslora")["summary"]?["modules"]?.arrayValue)
        let short = try store.ok("show", "llama-all-rslora").stdout
        let full = try store.ok("show", "llama-all-rslora", "--full").stdout
        #expect(short.contains("module_count: \(modules.count)"), "\(short)")
        #expect(short.contains(" layers: r "), "\(short)")
        let lines = { (text: String) in text.split(separator: "\n").count }
        #expect(lines(short) + 3 * modules.count <= lines(full) + 10, "short \(lines(short)) lines, full \(lines(full)), \(modules.count) modules")
        for m in modules.prefix(3) { #expect(full.contains(m["module"]?.stringValue ?? "?")) }
    }
}
