import Foundation
import LoomJSON

/// One thing `--only` can select.
enum Measure: String, CaseIterable, Sendable {
    case add, build, hit, ls, gc, catalog, extract
}

/// Runs the selected measures against a release `loom` binary, each next to its floor, and returns the rows.
///
/// Layout under ``directory`` (one per shape): `inputs/` (generated model and adapter), `main-store/`
/// (base and adapter registered; builds run here), `ls-store/` (a copy sharing main's blobs, holding
/// ``syntheticArtifactCount`` artifacts), `scratch/` (stores, floor copies and outputs of single runs).
/// Every measure makes one warm-up run, then ``runs`` timed runs, loom and floor alternating so that
/// both see the same machine state.
final class BenchRunner {
    static let syntheticArtifactCount = 10_000

    let loom: String
    let shape: ModelShape
    let runs: Int
    let directory: String
    let model: SyntheticModel
    let log: (String) -> Void

    var mainStore: String { directory + "/main-store" }
    var lsStore: String { directory + "/ls-store" }
    var scratch: String { directory + "/scratch" }
    private var mainMarker: String { mainStore + "/.bench-ready" }
    private var lsMarker: String { lsStore + "/.bench-seeded" }
    let fm = FileManager.default

    /// A runner for `shape` in `directory` (absolute), using the binary at `loom` (absolute).
    init(loom: String, shape: ModelShape, runs: Int, directory: String, log: @escaping (String) -> Void) {
        self.loom = loom
        self.shape = shape
        self.runs = runs
        self.directory = directory
        self.model = SyntheticModel(shape: shape, inputsDirectory: directory + "/inputs")
        self.log = log
    }

    /// Bytes of free disk the selected measures need from here: inputs and main store when missing,
    /// plus one transient model-sized copy (a store, an artifact or a floor copy, one at a time), plus 5% and 1 GB.
    var diskNeeded: Int {
        let size = model.approximateBytes
        let missing = (model.isComplete ? 0 : size) + (fm.fileExists(atPath: mainMarker) ? 0 : size)
        return Int(Double(missing + size) * 1.05) + 1_000_000_000
    }

    /// Runs `selected` in the fixed order add, build, hit, ls, gc, catalog; a measure that fails becomes an
    /// ERROR row and the others still run.
    func run(_ selected: Set<Measure>) -> [Row] {
        var rows: [Row] = []
        do {
            try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
            if !model.isComplete {
                log("generating \(shape.label) inputs (\(Units.bytes(model.approximateBytes))) in \(model.inputsDirectory)")
                try? fm.removeItem(atPath: mainStore)
                try? fm.removeItem(atPath: lsStore)
                try model.generate(log: log)
            }
        } catch {
            return Self.rows(for: selected, shape: shape).map { var r = $0; r.failed = true; r.note = "\(error)"; return r }
        }
        for measure in Measure.allCases where selected.contains(measure) {
            var measureRows = Self.rows(for: [measure], shape: shape)
            do {
                switch measure {
                case .add: try measureAdd(&measureRows[0])
                case .build:
                    var build = measureRows[0]
                    defer { measureRows[0] = build; measureRows[1].loom = build.loom }
                    try measureColdBuild(&build)
                case .hit: try measureHit(&measureRows[0])
                case .ls: try measureLoom(&measureRows[0], ["ls", "--json"], output: "ls.json")
                case .extract: try measureExtract(&measureRows[0])
                case .gc:
                    if try gcAvailable() {
                        try measureLoom(&measureRows[0], ["gc", "--dry-run", "--max-size", "0", "--json"], output: "gc.json")
                        try measureEviction(&measureRows[1])
                    } else {
                        for i in measureRows.indices {
                            measureRows[i].unavailable = true
                            measureRows[i].note = "n/a (gc not available)"
                        }
                    }
                case .catalog: try measureCatalog(&measureRows)
                }
            } catch {
                for i in measureRows.indices {
                    measureRows[i].failed = true
                    measureRows[i].note = "\(error)"
                }
                log("\(measure.rawValue): \(error)")
            }
            rows += measureRows
        }
        return rows
    }

    /// The empty rows of `measures` with their titles and targets.
    static func rows(for measures: Set<Measure>, shape: ModelShape) -> [Row] {
        let size = Units.bytes(shape.baseDataBytes)
        let rssBound = shape.baseDataBytes <= 2_000_000_000 ? 300_000_000 : 2_000_000_000
        let n = Units.grouped(syntheticArtifactCount)
        var rows: [Row] = []
        for measure in Measure.allCases where measures.contains(measure) {
            switch measure {
            case .add: rows.append(Row(id: "base_add", title: "base add, \(size) bf16 (fsync included)", target: .ratio(0.8)))
            case .build:
                rows.append(Row(id: "cold_build", title: "cold build, \(size) bf16 + all-linear r16 (fsync included)", target: .ratio(1.0)))
                rows.append(Row(id: "cold_build_rss", title: "peak RSS, \(size) cold build", target: .peakRSS(rssBound)))
            case .hit: rows.append(Row(id: "cache_hit", title: "cache-hit build, whole process", target: .wall(0.030)))
            case .ls: rows.append(Row(id: "ls_json", title: "ls --json, \(n) artifacts", target: .wall(1.0)))
            case .gc:
                rows.append(Row(id: "gc_dry_run", title: "gc --dry-run --max-size 0 --json, \(n) artifacts", target: .wall(1.0)))
                rows.append(Row(id: "gc_evict", title: "gc --max-size (half) --json, \(n) artifacts: evicts half", target: .wall(10.0)))
            case .catalog: rows += CatalogMeasure.rows(artifacts: syntheticArtifactCount)
            case .extract:
                rows.append(Row(id: "extract_r16", title: "adapter extract, \(size) bf16 pair, rank 16 (randomized)", target: .wall(60)))
            }
        }
        return rows
    }

    // MARK: - Measures

    /// `loom base add` into a fresh store per run vs cp+sync+sha256 of the same files.
    private func measureAdd(_ row: inout Row) throws {
        let store = scratch + "/add-store"
        row.floor = FloorSamples()
        for run in 0...runs {
            try? fm.removeItem(atPath: store)
            let outcome = try loom(["--store", store, "base", "add", model.baseDirectory, "--name", model.baseName, "--json"])
            if run == runs, !fm.fileExists(atPath: mainMarker) {
                // The last store becomes the main store: saves registering the base once more.
                try? fm.removeItem(atPath: mainStore)
                try fm.moveItem(atPath: store, toPath: mainStore)
            } else {
                try fm.removeItem(atPath: store)
            }
            let floor = try Floor.measure(files: model.baseFiles, scratch: scratch)
            record(&row, run: run, outcome, floor: floor, label: "base add")
        }
    }

    /// Cold `loom build` (artifact removed between runs) vs cp+sync+sha256 of the base's weight files.
    private func measureColdBuild(_ row: inout Row) throws {
        try ensureMainStore()
        try StoreFixture.removeArtifacts(store: mainStore)
        row.floor = FloorSamples()
        for run in 0...runs {
            let outcome = try loom(["--store", mainStore, "build", model.adapterName, "--json"], output: "build.json")
            let cached = try buildReport()["cached"]?.boolValue
            guard cached == false else { throw BenchError("a cold build reported cached: \(cached.map(String.init) ?? "?")") }
            try StoreFixture.removeArtifacts(store: mainStore)
            let floor = try Floor.measure(files: model.weightFiles, scratch: scratch)
            record(&row, run: run, outcome, floor: floor, label: "cold build")
        }
    }

    /// `loom build` of an artifact already in the cache, one process per run.
    private func measureHit(_ row: inout Row) throws {
        try ensureArtifact()
        for run in 0...runs {
            let outcome = try loom(["--store", mainStore, "build", model.adapterName, "--json"], output: "build.json")
            guard try buildReport()["cached"]?.boolValue == true else { throw BenchError("a cache-hit build did not report cached: true") }
            record(&row, run: run, outcome, floor: nil, label: "cache-hit build")
        }
    }

    /// A read-only loom command over the ls store (10,000 artifacts); notes the output's size.
    private func measureLoom(_ row: inout Row, _ arguments: [String], output: String) throws {
        try ensureLsStore()
        for run in 0...runs {
            let outcome = try loom(["--store", lsStore] + arguments, output: output)
            record(&row, run: run, outcome, floor: nil, label: arguments.joined(separator: " "))
        }
        let size = (try? fm.attributesOfItem(atPath: scratch + "/" + output)[.size] as? Int) ?? 0
        row.note = "output \(Units.bytes(size))"
    }

    func record(
        _ row: inout Row, run: Int, _ outcome: ChildProcess.Outcome, floor: (copySync: Double, hash: Double)?, label: String
    ) {
        let which = run == 0 ? "warm-up" : "run \(run)/\(runs)"
        var line = "\(label) \(which): \(Units.seconds(outcome.wall)), peak RSS \(Units.bytes(outcome.peakRSS))"
        if let floor {
            line += "; floor \(Units.seconds(floor.copySync + floor.hash)) (cp+sync \(Units.seconds(floor.copySync)), sha256 \(Units.seconds(floor.hash)))"
        }
        log(line)
        guard run > 0 else { return }
        row.loom.add(wall: outcome.wall, peakRSS: outcome.peakRSS)
        if let floor { row.floor?.add(copySync: floor.copySync, hash: floor.hash) }
    }

    /// `loom adapter extract --rank 16` from the base and its tuned copy (``SyntheticTunedModel``), the
    /// adapter removed between runs; the floor is not meaningful (no copy of the same bytes).
    private func measureExtract(_ row: inout Row) throws {
        try ensureMainStore()
        let tuned = SyntheticTunedModel(base: model)
        if !tuned.isComplete {
            log("generating the tuned copy in \(tuned.directory) (not timed)")
            try tuned.generate(log: log)
        }
        let name = "bench-extract-\(shape.label)"
        _ = try? ChildProcess.run([loom, "--store", mainStore, "rm", "adapter", name], stdout: nil)
        for run in 0...runs {
            let outcome = try loom(
                ["--store", mainStore, "adapter", "extract", "--base", model.baseName, "--tuned", tuned.directory, "--rank", "16",
                 "--name", name, "--json"], output: "extract.json")
            try loom(["--store", mainStore, "rm", "adapter", name])
            record(&row, run: run, outcome, floor: nil, label: "adapter extract")
        }
    }

    // MARK: - Setup (not timed)

    /// Registers base and adapter into the main store unless that was done before.
    private func ensureMainStore() throws {
        guard !fm.fileExists(atPath: mainMarker) else { return }
        // A catalog here means the base was registered (the add measure moves its last store here).
        if !fm.fileExists(atPath: mainStore + "/catalog.sqlite") {
            log("registering the base in \(mainStore)")
            try loom(["--store", mainStore, "base", "add", model.baseDirectory, "--name", model.baseName])
        }
        log("registering the adapter in \(mainStore)")
        try loom(["--store", mainStore, "adapter", "add", model.adapterDirectory, "--name", model.adapterName])
        guard fm.createFile(atPath: mainMarker, contents: Data()) else { throw BenchError("cannot write \(mainMarker)") }
    }

    /// Makes sure the main store holds the built artifact (building it once, untimed, when missing).
    private func ensureArtifact() throws {
        try ensureMainStore()
        if try StoreFixture.artifactCount(store: mainStore) == 0 {
            log("building the artifact once (not timed)")
            try loom(["--store", mainStore, "build", model.adapterName, "--json"], output: "build.json")
        }
    }

    /// Makes the ls store: a copy of the main store seeded to 10,000 artifacts; kept between runs.
    func ensureLsStore() throws {
        if (try? String(contentsOfFile: lsMarker, encoding: .utf8)) == String(Self.syntheticArtifactCount) { return }
        try ensureArtifact()
        log("copying the main store and seeding \(Units.grouped(Self.syntheticArtifactCount)) artifacts (one transaction each)")
        try StoreFixture.copyStore(from: mainStore, to: lsStore, scratch: scratch)
        try StoreFixture.seed(store: lsStore, total: Self.syntheticArtifactCount, log: log)
        guard fm.createFile(atPath: lsMarker, contents: Data(String(Self.syntheticArtifactCount).utf8)) else {
            throw BenchError("cannot write \(lsMarker)")
        }
    }

    /// Whether the binary has a `gc` command: `loom gc --help` prints gc's own usage (for an unknown
    /// word, argument-parser prints the top-level help and still exits 0).
    private func gcAvailable() throws -> Bool {
        let output = scratch + "/gc-help.txt"
        guard try ChildProcess.run([loom, "gc", "--help"], stdout: output).succeeded else { return false }
        return ((try? String(contentsOfFile: output, encoding: .utf8)) ?? "").contains("USAGE: loom gc")
    }

    // MARK: - Children

    /// Runs `loom ARGUMENTS` with stdout to `scratch/OUTPUT` (or /dev/null); throws unless it exits 0.
    @discardableResult
    func loom(_ arguments: [String], output: String? = nil) throws -> ChildProcess.Outcome {
        try ChildProcess.check([loom] + arguments, stdout: output.map { scratch + "/" + $0 }, scratch: scratch)
    }

    /// The JSON object `loom build --json` printed last.
    private func buildReport() throws -> JSONObject {
        let bytes = fm.contents(atPath: scratch + "/build.json").map { [UInt8]($0) } ?? []
        guard let object = try? JSONParser().parse(bytes).objectValue else {
            throw BenchError("loom build --json printed no JSON object")
        }
        return object
    }
}
