import Foundation
import LoomJSON
import LoomTesting
import Testing

/// gc racing builds and registrations on one store, for a bounded time (`LOOM_RACE_SECONDS`, default 20):
/// two builders alternate between three recipes, a registrar adds new versions of an adapter and removes
/// older ones, and a collector runs `loom gc --max-size 0 --grace 0` over and over. Afterwards verify is
/// clean, every artifact row is whole with its directory complete, the event chain verifies, and no process
/// failed except with the expected, clearly worded "not found" of a build whose adapter was just removed.
@Suite(.serialized) struct GCRaceTests {
    static var seconds: Double {
        ProcessInfo.processInfo.environment["LOOM_RACE_SECONDS"].flatMap(Double.init) ?? 20
    }

    /// The builders' recipes: a dtype change, a weighted pair, and the registrar's moving target.
    static let recipes: [[String]] = [
        ["build", "llama-qv", "--dtype", "f32", "--json"],
        ["build", "--base", "llama-tiny", "--adapter", "llama-qv:0.5", "--adapter", "llama-qv-b:0.25", "--json"],
        ["build", "churn", "--dtype", "f16", "--json"],
    ]

    /// Every run of the race, in completion order; thread-safe.
    final class Journal: @unchecked Sendable {
        // @unchecked: `runs` is only touched under `lock`.
        private let lock = NSLock()
        private var runs: [(worker: String, run: LoomRun)] = []

        func record(_ worker: String, _ run: LoomRun) { lock.withLock { runs.append((worker, run)) } }
        var all: [(worker: String, run: LoomRun)] { lock.withLock { runs } }
    }

    /// A copy of llama-qv-b whose adapter_config.json has `lora_alpha` = `alpha`: new content, same tensors.
    static func churnAdapter(alpha: Int, in scratch: String) throws -> String {
        let directory = scratch + "/churn-\(alpha)"
        try FileManager.default.copyItem(atPath: Fixtures.path("adapters/llama-qv-b"), toPath: directory)
        let path = directory + "/adapter_config.json"
        var config = try #require(try JSONParser().parse(Array(try Data(contentsOf: URL(fileURLWithPath: path)))).objectValue)
        config["lora_alpha"] = .int(alpha)
        try Data(JSONWriter(indent: 2).bytes(.object(config))).write(to: URL(fileURLWithPath: path))
        return directory
    }

    @Test(.timeLimit(.minutes(10)))
    func gcRacingBuildsAndRegistrationsNeverLosesCommittedData() throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let scratch = try TemporaryDirectory(prefix: "loom-race")
        try store.ok("adapter", "add", try Self.churnAdapter(alpha: 16, in: scratch.path), "--name", "churn")
        let journal = Journal()
        let deadline = Date().addingTimeInterval(Self.seconds)
        let started = Date()

        _ = try ParallelRuns.run(4) { worker in
            var round = 0
            while Date() < deadline {
                switch worker {
                case 0, 1:
                    // Builders: each goes through the recipes, the second one starting elsewhere.
                    let recipe = Self.recipes[(round + worker * 2) % Self.recipes.count]
                    journal.record("builder", try store.loom(recipe))
                case 2:
                    // Registrar: a new version of churn, then the older one removed.
                    let directory = try Self.churnAdapter(alpha: 17 + round, in: scratch.path)
                    let added = try store.loom(["adapter", "add", directory, "--name", "churn", "--json"])
                    journal.record("registrar", added)
                    if let version = (try? added.json())?["version"]?.intValue, version > 1 {
                        journal.record("registrar", try store.loom(["rm", "adapter", "churn@\(version - 1)"]))
                    }
                    try? FileManager.default.removeItem(atPath: directory)
                default:
                    journal.record("collector", try store.loom(["gc", "--max-size", "0", "--grace", "0", "--json"]))
                }
                round += 1
            }
        }
        let elapsed = Date().timeIntervalSince(started)

        // Every run succeeded, or is a build of a churn version removed under it, refused as not found.
        var keysByRecipe: [String: Set<String>] = [:]
        var merges = 0
        var refusals = Set<String>()
        for (worker, run) in journal.all {
            if run.status == 0 && run.signal == nil {
                guard worker == "builder", let document = try? run.json() else { continue }
                let key = document["key"]?.stringValue ?? "?"
                keysByRecipe[run.arguments.joined(separator: " "), default: []].insert(key)
                #expect(document["path"]?.stringValue == store.path + "/artifacts/" + Contract.hex(key))
                if document["cached"] == .bool(false) { merges += 1 }
                continue
            }
            // The one line of the refusal, after the wait note when the build waited for another builder first.
            let lines = run.stderrLines.filter { !$0.isEmpty && !$0.hasPrefix("loom: waiting for ") }
            let expected = worker == "builder" && run.arguments.contains("churn") && run.status == 2 && lines.count == 1
                && lines[0].hasPrefix("loom: ") && lines[0].contains("churn") && (lines[0].contains("not") || lines[0].contains("removed"))
            #expect(expected, "\(worker) failed:\n\(run)")
            refusals.insert((lines.last.map(String.init) ?? "").replacing(#/\d+/#, with: "N"))
        }
        // The stable recipes always resolve to the same key.
        for recipe in Self.recipes.prefix(2) {
            #expect((keysByRecipe[recipe.joined(separator: " ")]?.count ?? 0) <= 1, "\(recipe): \(keysByRecipe)")
        }

        let report = try store.expectConsistent()
        #expect(report["live_leases"]?.arrayValue?.isEmpty == true)
        // No crash happened, so every artifact row must still have its complete directory.
        for artifact in try store.inspector.artifacts() {
            let problems = store.inspector.blobProblems(artifact) + store.inspector.directoryProblems(artifact)
            #expect(problems.isEmpty, "\(problems)")
        }
        #expect(try store.json("log")["chain"]?["verified"] == .bool(true))
        #expect(try store.inspector.leases().isEmpty)

        // What is registered is whole: the stable recipes build again with the keys they had.
        for recipe in Self.recipes.prefix(2) {
            let key = try store.loom(recipe).json()["key"]?.stringValue
            if let known = keysByRecipe[recipe.joined(separator: " ")]?.first { #expect(key == known) }
        }
        try store.expectArtifactsComplete()

        let runs = journal.all
        let count = { (worker: String) in runs.filter { $0.worker == worker }.count }
        print(
            "GCRaceTests: \(String(format: "%.1f", elapsed)) s, \(count("builder")) builds (\(merges) merges), "
                + "\(count("registrar")) registrar runs, \(count("collector")) gc runs, "
                + "\(runs.filter { $0.run.status != 0 }.count) refused builds; \(try store.eventCount("artifact.evict")) evictions; "
                + "refusals: \(refusals.sorted())")
        #expect(count("collector") > 1 && merges > 1, "the race did not race")
    }
}
