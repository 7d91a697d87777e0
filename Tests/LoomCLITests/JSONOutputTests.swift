import Foundation
import LoomJSON
import LoomTesting
import Testing

/// `--json` prints exactly one JSON document on stdout, with full digests and ISO-8601 times.
@Suite struct JSONOutputTests {
    @Test func everyJSONCommandPrintsOneDocumentAndNothingElse() throws {
        let store = try CLIStore()
        let commands: [[String]] = [
            ["base", "add", Fixtures.path("bases/llama-tiny"), "--name", "llama-tiny"],
            ["adapter", "add", Fixtures.path("adapters/llama-qv"), "--name", "llama-qv"],
            ["build", "llama-qv"], ["ls"], ["ls", "bases"], ["ls", "adapters"], ["ls", "artifacts"],
            ["show", "llama-tiny"], ["show", "llama-qv@1"], ["rm", "adapter", "llama-qv"],
        ]
        for command in commands {
            let run = try store.loom(command + ["--json"])
            // json() parses the whole of stdout as a single value: no banner, no second document, no table.
            let value = try run.json()
            #expect(value.objectValue != nil || value.arrayValue != nil, "\(run)")
            #expect(run.stdout.hasSuffix("}\n") || run.stdout.hasSuffix("]\n"), "\(run)")
        }
    }

    @Test func listingEverythingIsAnObjectOfThreeArrays() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        try store.ok("build", "llama-qv")
        let listing = try #require(try store.json("ls").objectValue)
        #expect(listing.keys == ["bases", "adapters", "artifacts", "recipes"])
        #expect(listing["bases"]?.arrayValue?.count == 1)
        #expect(listing["adapters"]?.arrayValue?.count == 1)
        #expect(listing["artifacts"]?.arrayValue?.count == 1)
    }

    @Test func listedAdaptersCarryFullDigestsAndISOTimes() throws {
        let store = try CLIStore()
        try store.register()
        let adapters = try #require(try store.json("ls", "adapters").arrayValue)
        #expect(adapters.count == 2)
        for adapter in adapters {
            #expect(adapter.objectValue != nil)
            #expect(Contract.isFullDigest(adapter["digest"]), "\(adapter)")
            #expect(Contract.isISO8601(adapter["created_at"]), "\(adapter)")
            #expect(adapter["base"]?.stringValue == "llama-tiny@1")
        }
        #expect(Set(adapters.compactMap { $0["ref"]?.stringValue }) == ["llama-qv@1", "llama-qv-b@1"])
    }

    @Test func listedBasesAndArtifactsCarryFullDigestsAndISOTimes() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        let built = try store.json("build", "llama-qv")
        let base = try #require(try store.json("ls", "bases").arrayValue?.first)
        #expect(Contract.isFullDigest(base["digest"]))
        #expect(Contract.isISO8601(base["created_at"]))
        let artifact = try #require(try store.json("ls", "artifacts").arrayValue?.first)
        #expect(artifact["key"] == built["key"])
        #expect(artifact["path"] == built["path"])
        #expect(artifact["base"] == base["digest"])
        #expect(Contract.isISO8601(artifact["created_at"]) && Contract.isISO8601(artifact["last_used_at"]), "\(artifact)")
        #expect(artifact["adapters"]?.arrayValue?.allSatisfy { Contract.isFullDigest($0["digest"]) } == true)
    }

    @Test func buildReportsPathKeyAndCached() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        let first = try store.json("build", "llama-qv")
        let key = try #require(first["key"]?.stringValue)
        #expect(Contract.isFullDigest(first["key"]))
        #expect(first["cached"] == .bool(false))

        let path = try #require(first["path"]?.stringValue)
        #expect(path.hasPrefix("/"))
        #expect((path as NSString).lastPathComponent == Contract.hex(key))
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue)

        // The merged model's weights and nothing else: no adapter file slipped into the model directory.
        let files = try FileManager.default.subpathsOfDirectory(atPath: path)
        #expect(files.filter { $0.hasSuffix(".safetensors") } == ["model.safetensors"], "\(files)")
        let merged = try Data(contentsOf: URL(fileURLWithPath: path + "/model.safetensors"))
        let base = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("bases/llama-tiny/model.safetensors")))
        #expect(merged != base)

        let second = try store.json("build", "llama-qv")
        #expect(second["cached"] == .bool(true))
        #expect(second["key"] == first["key"])
        #expect(second["path"] == first["path"])
    }

    @Test func showAdapterReportsItsConfig() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        let shown = try store.json("show", "llama-qv")
        #expect(shown["kind"]?.stringValue == "adapter")
        #expect(shown["r"]?.intValue == 8)
        #expect(shown["lora_alpha"]?.doubleValue == 16)
        let targets = try #require(shown["target_modules"]?.arrayValue)
        #expect(Set(targets.compactMap(\.stringValue)) == ["q_proj", "v_proj"])
        #expect(Contract.isFullDigest(shown["digest"]))
        #expect(shown["files"]?.arrayValue?.allSatisfy { Contract.isFullDigest($0["digest"]) } == true)
    }
}
