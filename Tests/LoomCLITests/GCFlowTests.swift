import Foundation
import LoomJSON
import Testing

/// `loom gc` end to end: the built binary on a temporary store.
@Suite struct GCFlowTests {
    @Test func dryRunPrintsThePlanThenTheRealRunCarriesItOut() throws {
        let store = try CLIStore()
        try store.register()
        let first = try store.json("build", "llama-qv", "--dtype", "f32")
        let second = try store.json("build", "--base", "llama-tiny", "--adapter", "llama-qv-b", "--dtype", "f16")
        let plan = try store.json("gc", "--dry-run", "--max-size", "0")
        #expect(plan["dry_run"] == .bool(true))
        let evicted = plan["artifacts"]?.arrayValue?.compactMap { $0["key"] } ?? []
        #expect(Set(evicted) == Set([first["key"], second["key"]].compactMap { $0 }))
        #expect(plan["blobs"]?.arrayValue?.allSatisfy { Contract.isFullDigest($0["digest"]) } == true)
        #expect((plan["bytes_freed"]?.intValue ?? 0) > 0)
        #expect(try store.json("ls", "artifacts").arrayValue?.count == 2, "the dry run changed nothing")

        let done = try store.json("gc", "--max-size", "0")
        #expect(done["dry_run"] == .bool(false))
        for field in ["artifacts", "blobs", "ingest", "directories", "leases", "bytes_freed", "skipped"] {
            #expect(done[field] == plan[field], "\(field)")
        }
        #expect(try store.json("ls", "artifacts").arrayValue?.isEmpty == true)
        #expect(try store.loom("verify").status == 0)

        let human = try store.ok("gc", "--dry-run").stdout
        #expect(human.contains("nothing to collect") && human.contains("dry run: nothing was changed"))
    }

    @Test(arguments: [["--max-size", "20X"], ["--max-size", "1.5"], ["--grace", "90"]])
    func aBadValueIsOneUsageLineNamingIt(arguments: [String]) throws {
        let store = try CLIStore()
        let run = try store.loom(["gc"] + arguments)
        #expect(run.status == 64)
        #expect(run.stderr.split(separator: "\n").count == 1 && run.stderr.contains("'\(arguments[1])'"), "\(run)")
        #expect(run.stdout.isEmpty && !store.exists("Store"))
    }
}
