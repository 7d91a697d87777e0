import ArgumentParser
import Foundation
import LoomJSON

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `loom-bench`: times a release `loom` binary on synthetic real-format inputs, each measure next to
/// its physical floor measured in the same run, and prints medians, ratios and PASS/FAIL per target.
///
/// Builds nothing itself: run `swift build -c release` first. Exit status 0 when every selected measure
/// could be made (whether or not it met its target), 1 when one failed or the setup is wrong.
@main
struct LoomBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loom-bench",
        abstract: "Benchmark loom against cp+sync+sha256 of the same bytes, measured in the same run.",
        discussion: """
            Generates a Llama-shape bf16 model and an all-linear r=16 LoRA (no Python), then measures \
            base add, cold build, cache-hit build, ls --json, gc --dry-run and a real gc eviction over 10,000 \
            artifacts, (in this process) the catalog's reads and writes over the same store, and rank-16 \
            adapter extract from a perturbed copy of the base. See BENCHMARKS.md.

            Examples:
              swift build -c release && .build/release/loom-bench
              .build/release/loom-bench --only build,hit --runs 9 --keep
              .build/release/loom-bench --shape 7b --keep
              .build/release/loom-bench --only catalog,gc --runs 3
            """)

    @Option(help: ArgumentHelp("The loom binary to measure.", valueName: "path"))
    var loom = ".build/release/loom"

    @Option(help: ArgumentHelp("Base size: 0.5B (default), or e.g. 490M, 1.5B, 3B.", valueName: "count"))
    var params: String?

    @Option(help: ArgumentHelp("A named shape instead of --params: 7b (hidden 4096, 32 layers, 13.5 GB).", valueName: "name"))
    var shape: String?

    @Option(help: "Timed runs per measure, after one warm-up.")
    var runs = 5

    @Option(help: ArgumentHelp("Where inputs, stores and copies go.", valueName: "path"))
    var workdir = ".build-bench"

    @Flag(help: "Keep generated inputs and stores for the next run (regenerated only when missing).")
    var keep = false

    @Flag(help: "Print one JSON document on stdout instead of the table.")
    var json = false

    @Option(help: ArgumentHelp("Measures to run, comma-separated: add,build,hit,ls,gc,catalog,extract (default: all).", valueName: "list"))
    var only: String?

    func validate() throws {
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        if params != nil, shape != nil { throw ValidationError("give --params or --shape, not both") }
        if let shape, shape.lowercased() != "7b" { throw ValidationError("--shape knows only 7b, not \"\(shape)\"") }
        if let params, ModelShape.parse(params: params) == nil {
            throw ValidationError("--params must be a count like 0.5B, 490M or 3B, not \"\(params)\"")
        }
        _ = try selectedMeasures()
    }

    func run() throws {
        let cwd = FileManager.default.currentDirectoryPath
        let loomPath = loom.hasPrefix("/") ? loom : cwd + "/" + loom
        guard access(loomPath, X_OK) == 0 else {
            Self.log("no loom binary at \(loomPath): run swift build -c release first (or pass --loom PATH)")
            throw ExitCode(1)
        }
        let model = shape != nil ? ModelShape.sevenB : ModelShape.parse(params: params ?? "0.5B") ?? .halfB
        let root = URL(fileURLWithPath: workdir.hasPrefix("/") ? workdir : cwd + "/" + workdir).standardizedFileURL.path
        let directory = root + "/llama-" + model.label
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            Self.log("cannot create \(directory): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let runner = BenchRunner(loom: loomPath, shape: model, runs: runs, directory: directory, log: Self.log)
        let machine = Machine.current(workdir: directory, loomVersion: Self.version(of: loomPath, scratch: directory))
        Self.log("machine: " + machine.summary)
        let selected = try selectedMeasures()

        let rows: [Row]
        let needed = runner.diskNeeded
        if machine.freeDisk < needed {
            let reason = "skipped: needs \(Units.bytes(needed)) free on \(root), \(Units.bytes(machine.freeDisk)) available"
            Self.log(reason)
            rows = BenchRunner.rows(for: selected, shape: model).map { var r = $0; r.note = reason; return r }
        } else {
            rows = runner.run(selected)
        }
        try? FileManager.default.removeItem(atPath: keep ? runner.scratch : directory)

        let report = Report(machine: machine, shape: model, model: runner.model, runs: runs, rows: rows)
        print(json ? JSONWriter(indent: 2).string(report.json) : report.text)
        if rows.contains(where: \.failed) { throw ExitCode(1) }
    }

    /// The measures `--only` names, or all of them.
    private func selectedMeasures() throws -> Set<Measure> {
        guard let only else { return Set(Measure.allCases) }
        var out = Set<Measure>()
        for word in only.split(separator: ",") {
            guard let measure = Measure(rawValue: String(word).trimmingWhitespace) else {
                throw ValidationError("--only knows add, build, hit, ls, gc, catalog and extract, not \"\(word)\"")
            }
            out.insert(measure)
        }
        return out
    }

    /// `loom --version`, or "unknown".
    private static func version(of loom: String, scratch: String) -> String {
        let output = scratch + "/version.txt"
        defer { try? FileManager.default.removeItem(atPath: output) }
        guard (try? ChildProcess.run([loom, "--version"], stdout: output))?.succeeded == true,
            let text = try? String(contentsOfFile: output, encoding: .utf8)
        else { return "unknown" }
        return text.trimmingWhitespace
    }

    /// Progress and diagnostics go to stderr, so that `--json` leaves stdout to the document.
    static func log(_ line: String) {
        FileHandle.standardError.write(Data(("loom-bench: " + line + "\n").utf8))
    }
}
