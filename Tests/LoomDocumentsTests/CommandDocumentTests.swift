import LoomCore
import Foundation
import LoomDocuments
import LoomJSON
import Testing

@testable import Registry

/// The documents of single commands, built from values the tests choose.
@Suite struct CommandDocumentTests {
    @Test func listOfEverythingHasEachKindInOrderAndAsksForEachArtifactsPath() throws {
        var listing = Listing()
        listing.bases = [try Records.base()]
        listing.baseAliases = ["llama-tiny": ["tiny"]]
        listing.adapters = [try Records.adapter()]
        listing.artifacts = [try Records.artifact()]
        listing.recipes = [try Records.recipe()]
        listing.holds = [Records.digest("k"): try Records.hold(holder: "deploy")]
        let document = ListDocument.all(listing, path: { "/store/artifacts/" + $0.key.dropFirst(7) })
        #expect(document.keys == ["bases", "adapters", "artifacts", "recipes"])
        #expect(document["bases"]?.arrayValue?.first?["aliases"] == .array([.string("tiny")]))
        let artifact = try #require(document["artifacts"]?.arrayValue?.first)
        #expect(artifact["path"] == .string("/store/artifacts/" + String(repeating: "k", count: 64)))
        #expect(artifact["held_by"] == .string("deploy"))
        #expect(ListDocument.recipes(listing).arrayValue?.count == 1)
        #expect(ListDocument.bases(Listing()) == .array([]))
    }

    @Test func showAdapterListsTheFilesItShipsButNotItsOwn() throws {
        let files = [
            FileEntry(path: "adapter_config.json", digest: Records.digest("1"), size: 10),
            FileEntry(path: "adapter_model.safetensors", digest: Records.digest("2"), size: 20),
            FileEntry(path: "tokenizer.json", digest: Records.digest("3"), size: 30),
        ]
        let o = ShowDocument.adapter(try Records.adapter(summary: #"{"modules":[{"name":"q"}]}"#), files: files)
        #expect(Array(o.keys.suffix(5)) == ["kind", "files", "ships", "summary", "config"])
        #expect(o["kind"] == .string("adapter"))
        #expect(o["ships"] == .array([.string("tokenizer.json")]))
        #expect(o["files"]?.arrayValue?.map { $0["size"]?.intValue } == [10, 20, 30])
        #expect(o["summary"]?["modules"]?.arrayValue?.count == 1)
    }

    @Test func showRecipeAndArtifactSayWhatTheyAre() throws {
        let recipe = ShowDocument.recipe(try Records.recipe(), key: nil, built: false)
        #expect(Array(recipe.keys.suffix(3)) == ["kind", "key", "built"])
        #expect(recipe["key"]?.isNull == true && recipe["built"] == .bool(false))
        let files = [FileEntry(path: "model.safetensors", digest: Records.digest("m"), size: 4_096)]
        let artifact = ShowDocument.artifact(try Records.artifact(files: files), path: nil, hold: nil)
        #expect(Array(artifact.keys.suffix(3)) == ["kind", "files", "provenance"])
        #expect(artifact["provenance"]?["host"] == .string("h1"))
        #expect(artifact["files"]?.arrayValue?.first?["path"] == .string("model.safetensors"))
    }

    @Test func registrationSaysWhetherItCreated() throws {
        let base = RegistrationDocument.base(try Records.base(), aliases: [], created: false)
        #expect(base.keys.last == "created" && base["created"] == .bool(false))
        let adapter = RegistrationDocument.adapter(try Records.adapter(), created: true)
        #expect(adapter.keys.last == "created" && adapter["created"] == .bool(true))
    }

    @Test func savedRecipeNamesWhatChangedOnlyWhenItReplacedOne() throws {
        let old = try Records.recipe()
        let new = try Records.recipe(
            dtype: "f16", combine: "ties", density: 0.5,
            adapters: [RecipeInput(adapterName: "sql", adapterVersion: 2, weight: 0.5)])
        let changes = RecipeDocument.changes(from: old, to: new)
        #expect(changes == ["adapters sql:1.0 → sql@2:0.5", "dtype bf16 → f16", "combine linear → ties density 0.5"])
        #expect(RecipeDocument.changes(from: old, to: old).isEmpty)
        let replaced = RecipeDocument.saved(new, created: true, changes: changes)
        #expect(Array(replaced.keys.suffix(2)) == ["created", "changed"])
        #expect(replaced["changed"]?.arrayValue?.count == 3)
        #expect(!RecipeDocument.saved(new, created: true, changes: nil).keys.contains("changed"))
    }

    @Test func buildHasPathKeyCachedFirstAndTheCombinationOfItsRecipe() throws {
        let result = BuildResult(path: "/s/artifacts/kk", artifact: try Records.artifact(), cached: true, waited: false, notes: ["n1"])
        let o = BuildDocument.result(result)
        #expect(o.keys == ["path", "key", "cached", "waited", "dtype", "size", "base", "adapters", "combine", "notes"])
        #expect(o["path"] == .string("/s/artifacts/kk"))
        #expect(o["key"] == .string(Records.digest("k")))
        #expect(o["cached"] == .bool(true))
        #expect(o["combine"]?["method"] == .string("ties"))
        #expect(o["notes"] == .array([.string("n1")]))
    }

    @Test func verifyCarriesTheExitCodeOfItsFindings() {
        var report = VerifyReport()
        #expect(VerifyDocument.report(report)["exit_code"]?.intValue == 0)
        #expect(VerifyDocument.report(report)["clean"] == .bool(true))
        report.findings = [
            VerifyReport.Finding(kind: .chain, message: "event 4 edited", seq: 4),
            VerifyReport.Finding(kind: .blob, message: "bad blob", digest: Records.digest("d")),
        ]
        let o = VerifyDocument.report(report)
        #expect(o.keys == ["clean", "exit_code", "findings", "checked", "collectable", "live_leases", "foreign_ingest_files"])
        #expect(o["exit_code"]?.intValue == 16 + 8 + 1)
        let findings = try! #require(o["findings"]?.arrayValue)
        #expect(findings[0].keys == ["kind", "message", "seq"])
        #expect(findings[1].keys == ["kind", "message", "digest"])
        #expect(findings[1]["kind"] == .string("blob"))
    }

    @Test func gcListsEveryKindOfItemWithItsReason() {
        var plan = GCPlan(dryRun: true)
        plan.blobs = [GCPlan.Blob(digest: Records.digest("e"), size: 12, reason: "unreferenced")]
        let o = GCDocument.plan(plan)
        #expect(o.keys == ["dry_run", "artifacts", "blobs", "ingest", "directories", "leases", "bytes_freed", "skipped"])
        #expect(o["dry_run"] == .bool(true))
        #expect(o["blobs"]?.arrayValue?.first == .object([
            "digest": .string(Records.digest("e")), "size": .int(12), "reason": .string("unreferenced"),
        ]))
    }

    @Test func auditOfAFileAsksForThePathOfEachArtifactHoldingIt() throws {
        let file = AuditReport.File(
            path: "/tmp/model.safetensors", digest: Records.digest("m"), size: 4_096,
            holders: [.artifact(try Records.artifact(), path: "model.safetensors"), .base(try Records.base(), path: "model.safetensors")],
            notes: ["a note"])
        let o = AuditDocument.report(.file(file), path: { _ in "/s/artifacts/x" })
        #expect(o.keys == ["kind", "path", "digest", "size", "holders", "notes"])
        let holders = try #require(o["holders"]?.arrayValue)
        #expect(holders.map { $0["kind"]?.stringValue } == ["artifact", "base"])
        #expect(holders[0]["artifact"]?["path"] == .string("/s/artifacts/x"))
        #expect(holders[0]["artifact"]?.keys.suffix(2) == ["files", "provenance"])
        #expect(holders[1]["base"]?["ref"] == .string("llama-tiny@2"))
        let artifact = AuditDocument.report(.artifact(try Records.artifact(), directory: nil), path: { _ in "unused" })
        #expect(artifact.keys.last == "kind" && artifact["path"]?.isNull == true)
    }

    @Test func smallDocumentsHaveTheirFields() throws {
        let hold = HoldDocument.held(try Records.hold())
        #expect(hold.keys == ["key", "holder", "until"] && hold["until"] == .string(Records.used))
        #expect(HoldDocument.released(key: "k", []) == .object(["key": .string("k"), "released": .array([])]))
        let pull = PullDocument.report(PullReport(path: "/d", key: "sha256:x", files: 3, bytes: 99, skipped: 1))
        #expect(pull.keys == ["path", "key", "files", "bytes", "skipped"] && pull["skipped"]?.intValue == 1)
        let log = LogDocument.log(EventLog(events: [], total: 0, chainFindings: []))
        #expect(log.keys == ["events", "total", "chain"] && log["chain"]?["verified"] == .bool(true))
    }
}
