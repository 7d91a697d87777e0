import Foundation
import LoomJSON
import LoomTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import LoomCLI

/// Text output fits the terminal (issue 12 item 5): every `--help` fits 80 columns with examples that
/// never wrap into column 0, and every table and tree fits the width `$COLUMNS` gives; `--wide` and
/// `--json` keep everything.
@Suite struct OutputWidthTests {
    static let commands: [[String]] = [
        [], ["base"], ["base", "add"], ["adapter"], ["adapter", "add"], ["build"], ["ls"], ["show"], ["rm"], ["recipe"],
        ["recipe", "add"], ["recipe", "ls"], ["recipe", "rm"], ["pin"], ["unpin"], ["audit"], ["verify"], ["log"], ["gc"],
        ["key"], ["key", "generate"], ["verify-attestation"],
    ]

    @Test(arguments: commands)
    func helpFitsEightyColumnsAndExamplesStayIndented(_ command: [String]) throws {
        let run = try LoomProcess.run(command + ["--help"], environment: ["COLUMNS": "80"]).succeeded()
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        for line in lines { #expect(line.count <= 80, "\(line.count) columns: \(line)") }
        // An example line wrapped by argument-parser continues in column 0, inside the Examples block.
        guard let start = lines.firstIndex(of: "Examples:") else {
            Issue.record("no Examples: in loom \(command.joined(separator: " ")) --help")
            return
        }
        for line in lines[(start + 1)...].prefix(while: { !$0.isEmpty }) {
            #expect(line.hasPrefix("  "), "an example wrapped into column 0: \(line)")
        }
    }

    /// At a width where nothing wraps, a line break inside the prose only ever follows the end of a
    /// sentence or a colon: a discussion written with bare newlines breaks mid-sentence on other widths.
    @Test(arguments: commands)
    func helpProseBreaksOnlyBetweenSentences(_ command: [String]) throws {
        let run = try LoomProcess.run(command + ["--help"], environment: ["COLUMNS": "2000"]).succeeded()
        let prose = run.stdout.components(separatedBy: "\nUSAGE:")[0].split(separator: "\n", omittingEmptySubsequences: false)
        for (line, next) in zip(prose, prose.dropFirst()) where !line.isEmpty && !next.isEmpty && !line.hasPrefix(" ") && !next.hasPrefix(" ") {
            #expect(line.hasSuffix(".") || line.hasSuffix(":") || line.hasSuffix(")"), "a break mid-sentence after: \(line)")
        }
    }

    @Test func everyTableFitsTheGivenWidth() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv", "llama-qv-b", "llama-all-rslora"])
        try store.ok("build", "llama-qv")
        try store.ok("build", "--base", "llama-tiny", "--adapter", "llama-qv:0.7", "--adapter", "llama-qv-b:0.3", "--dtype", "f32")
        try store.ok("recipe", "add", "sql-prod-with-a-long-recipe-name", "--base", "llama-tiny", "--adapter", "llama-qv:1.0", "--adapter", "llama-qv-b:0.25")
        let outputs: [[String]] = [
            ["ls"], ["ls", "artifacts"], ["gc", "--dry-run", "--max-size", "0", "--grace", "0"], ["log"], ["audit", "llama-qv"],
            ["recipe", "ls"], ["show", "llama-all-rslora"], ["show", "llama-tiny"],
        ]
        for width in [80, 100] {
            for arguments in outputs {
                let run = try store.loom(arguments, environment: ["COLUMNS": "\(width)"]).succeeded()
                for line in run.stdout.split(separator: "\n") {
                    #expect(line.count <= width, "loom \(arguments.joined(separator: " ")) at \(width): \(line.count) columns: \(line)")
                }
            }
        }
        // --wide keeps what the width cut: full keys in the plan, full digests in the tree.
        let key = try #require(try store.json("build", "llama-qv")["key"]?.stringValue)
        let narrow = try store.loom(["gc", "--dry-run", "--max-size", "0"], environment: ["COLUMNS": "60"]).succeeded().stdout
        #expect(!narrow.contains(key) && narrow.contains(Contract.short(key)), "\(narrow)")
        let wide = try store.loom(["gc", "--dry-run", "--max-size", "0", "--wide"], environment: ["COLUMNS": "60"]).succeeded().stdout
        #expect(wide.contains(key) && !wide.contains("…"), "\(wide)")
        let tree = try store.loom(["audit", "llama-qv", "--wide"], environment: ["COLUMNS": "60"]).succeeded().stdout
        #expect(tree.contains("artifact \(key)"))
        // JSON does not depend on the width.
        let json = try store.loom(["ls", "--json"], environment: ["COLUMNS": "40"]).succeeded().stdout
        #expect(json == (try store.loom(["ls", "--json"], environment: ["COLUMNS": "400"]).succeeded().stdout))
    }

    @Test func tableCutsTheWidestShrinkableColumnAndKeepsTheRest() {
        var t = Table("KEY", "NAME", "SIZE")
        t.keep("KEY", "SIZE")
        t.add("sha256:0123456789ab", "a-very-long-adapter-name-that-does-not-fit", "2.3 MiB")
        let rendered = t.render(width: 40)
        #expect(rendered.split(separator: "\n").last == "sha256:0123456789ab  a-very-lo…  2.3 MiB", "\(rendered)")
        #expect(t.render() == t.render(width: 1000))
        #expect(!t.render().contains("…"))

        var names = Table("NAME", "ARCHITECTURE", "CREATED")
        names.prefer("NAME")
        names.add("llama-tiny@1", "LlamaForCausalLM", "3 minutes ago")
        #expect(names.render(width: 36).split(separator: "\n").last == "llama-tiny@1  LlamaForCau…  3 minut…")
    }

    @Test func widthComesFromColumnsElseTheTerminalElseNoLimit() {
        #expect(WidthOptions.outputWidth(environment: ["COLUMNS": "42"]) == 42)
        if isatty(STDOUT_FILENO) == 0 {
            #expect(WidthOptions.outputWidth(environment: [:]) == nil)
            #expect(WidthOptions.outputWidth(environment: ["COLUMNS": "wide"]) == nil)
            #expect(WidthOptions.outputWidth(environment: ["COLUMNS": "0"]) == nil)
        }
    }

    @Test(arguments: [
        (0, "0"), (999, "999"), (1000, "1K"), (1500, "1.5K"), (22_700_000, "22.7M"), (22_713_984, "22.7M"),
        (124_439_808, "124M"), (999_960, "1M"), (7_241_732_096, "7.24B"), (1_000_000_000_000, "1T"), (-2_500, "-2.5K"),
    ] as [(Int64, String)])
    func parameterCountsReadLikeModelCards(count: Int64, text: String) {
        #expect(Format.count(count) == text)
    }
}
