import Foundation
import LoomJSON
import LoomTesting
import Testing

/// The whole user flow through the binary: register, build, cache hit, multi-adapter builds, list, show, remove.
@Suite struct BuildFlowTests {
    @Test func registerBuildListShowRemove() throws {
        let store = try CLIStore()
        try store.register()

        let first = try store.json("build", "llama-qv")
        #expect(first["cached"] == .bool(false))
        let again = try store.json("build", "llama-qv")
        #expect(again["cached"] == .bool(true))
        #expect(again["path"] == first["path"] && again["key"] == first["key"])

        let mixed = try store.json(
            "build", "--base", "llama-tiny", "--adapter", "llama-qv:0.7", "--adapter", "llama-qv-b:0.3", "--dtype", "f32")
        #expect(mixed["cached"] == .bool(false))
        #expect(mixed["dtype"]?.stringValue == "f32")
        #expect(mixed["key"] != first["key"])
        let swapped = try store.json(
            "build", "--base", "llama-tiny", "--adapter", "llama-qv-b:0.3", "--adapter", "llama-qv:0.7", "--dtype", "f32")
        #expect(swapped["key"] == mixed["key"])
        #expect(swapped["path"] == mixed["path"])
        #expect(swapped["cached"] == .bool(true))

        // Tables show name@version and short digests; JSON keeps the full ones.
        let listing = try store.json("ls")
        let table = try store.ok("ls").stdout
        for name in ["llama-tiny@1", "llama-qv@1", "llama-qv-b@1"] { #expect(table.contains(name), "\(table)") }
        let records = (listing["bases"]?.arrayValue ?? []) + (listing["adapters"]?.arrayValue ?? [])
        #expect(records.count == 3)
        for digest in records.compactMap({ $0["digest"]?.stringValue }) {
            #expect(table.contains(Contract.short(digest) + " "), "\(table)")
            #expect(!table.contains(digest), "\(table)")
        }
        let artifacts = try #require(listing["artifacts"]?.arrayValue)
        #expect(artifacts.count == 2)
        for key in artifacts.compactMap({ $0["key"]?.stringValue }) { #expect(table.contains(Contract.short(key))) }
        #expect(table.split(separator: "\n").allSatisfy { !$0.hasSuffix(" ") }, "\(table)")

        let shown = try store.json("show", "llama-qv")
        #expect(shown["r"]?.intValue == 8 && shown["lora_alpha"]?.doubleValue == 16)
        #expect(shown["target_modules"]?.arrayValue?.compactMap(\.stringValue).sorted() == ["q_proj", "v_proj"])

        let removed = try store.ok("rm", "adapter", "llama-qv-b@1")
        #expect(removed.stdout.contains("llama-qv-b@1"))
        let adapters = try #require(try store.json("ls", "adapters").arrayValue)
        #expect(adapters.compactMap { $0["ref"]?.stringValue } == ["llama-qv@1"])
        // Artifacts name their inputs by digest and survive the removal of an input.
        #expect(try store.json("ls", "artifacts").arrayValue?.count == 2)
        #expect(try store.json("build", "llama-qv")["cached"] == .bool(true))
    }

    @Test func buildTextOutputIsThePathAlone() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        let run = try store.ok("build", "llama-qv")
        let json = try store.json("build", "llama-qv")
        #expect(run.stdout == (json["path"]?.stringValue ?? "?") + "\n")
    }

    @Test func showFindsAnArtifactByKeyAndByPrefix() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        let key = try #require(try store.json("build", "llama-qv")["key"]?.stringValue)
        let byKey = try store.json("show", key)
        #expect(byKey["kind"]?.stringValue == "artifact" && byKey["key"]?.stringValue == key)
        let byPrefix = try store.json("show", String(Contract.hex(key).prefix(12)))
        #expect(byPrefix["key"]?.stringValue == key)
    }

    @Test func registeringTheSameBaseAgainChangesNothing() throws {
        let store = try CLIStore()
        let first = try store.json("base", "add", Fixtures.path("bases/llama-tiny"), "--name", "llama-tiny")
        let second = try store.json("base", "add", Fixtures.path("bases/llama-tiny"), "--name", "llama-tiny")
        #expect(first["created"] == .bool(true) && second["created"] == .bool(false))
        #expect(first["digest"] == second["digest"] && second["version"]?.intValue == 1)
    }
}
