import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Testing

@testable import Registry

/// An adapter finds its base by the Hugging Face id or snapshot path its config names, or by an alias.
@Suite struct HubResolutionTests {
    static let revision = "0123456789abcdef0123456789abcdef01234567"

    /// A copy of base llama-tiny laid out as a Hugging Face cache snapshot of `repo` (`org--name`).
    func snapshot(_ harness: RegistryHarness, repo: String = "tinyorg--llama-tiny-v2") throws -> String {
        let parent = harness.scratch("hub/models--\(repo)/snapshots")
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        let dir = parent + "/" + Self.revision
        try FileManager.default.copyItem(atPath: Fixtures.path("bases/llama-tiny"), toPath: dir)
        return dir
    }

    func adapter(_ harness: RegistryHarness, naming base: String, as copy: String) throws -> String {
        try harness.editedAdapter("llama-qv", as: copy) { $0["base_model_name_or_path"] = .string(base) }
    }

    @Test func aSnapshotPathRecordsTheHubIDAndAdaptersFindTheBaseByIDOrPath() throws {
        let harness = try RegistryHarness()
        let dir = try snapshot(harness)
        let registration = try harness.registry.registerBase(directory: dir, name: "tiny")
        #expect(registration.record.hfRepo == "tinyorg/llama-tiny-v2" && registration.record.hfRevision == Self.revision)
        #expect(registration.notes.contains { $0.contains("tinyorg/llama-tiny-v2@\(Self.revision)") })
        for (i, named) in ["tinyorg/llama-tiny-v2", "tinyorg/llama-tiny-v2@\(Self.revision)", "tinyorg/llama-tiny-v2@0123456", dir, dir + "/"].enumerated() {
            let found = try harness.registry.registerAdapter(directory: try adapter(harness, naming: named, as: "a\(i)"), name: "a\(i)", base: nil)
            #expect(found.record.baseName == "tiny", "\(named)")
        }
        let wrongRevision = try adapter(harness, naming: "tinyorg/llama-tiny-v2@fedcba9", as: "wrong")
        expectRegistryError(.notFound, mentioning: ["tinyorg/llama-tiny-v2@fedcba9", "tiny@1 (tinyorg/llama-tiny-v2@\(Self.revision))"]) {
            _ = try harness.registry.registerAdapter(directory: wrongRevision, name: "wrong", base: nil)
        }
    }

    @Test func anHFIDGivenAtBaseAddIsUsed() throws {
        let harness = try RegistryHarness()
        _ = try harness.registry.registerBase(
            directory: Fixtures.path("bases/llama-tiny"), name: "lt", hfID: try HubID(parsing: "tinyorg/llama-tiny-v2"))
        let found = try harness.registry.registerAdapter(directory: try adapter(harness, naming: "tinyorg/llama-tiny-v2", as: "a"), name: "a", base: nil)
        #expect(found.record.baseName == "lt")
        expectRegistryError(.invalid, mentioning: ["not/a/hub/id"]) { _ = try HubID(parsing: "not/a/hub/id") }
    }

    @Test func anAliasFindsTheBaseAndIsUniqueAcrossNames() throws {
        let harness = try RegistryHarness()
        _ = try harness.registry.registerBase(directory: Fixtures.path("bases/llama-tiny"), name: "lt", aliases: ["llama-tiny-v2"])
        #expect(try harness.registry.aliases(ofBase: "lt") == ["llama-tiny-v2"])
        let found = try harness.registry.registerAdapter(directory: try adapter(harness, naming: "tinyorg/llama-tiny-v2", as: "a"), name: "a", base: nil)
        #expect(found.record.baseName == "lt")
        #expect(try harness.registry.addBaseAlias("tiny", to: "lt"))
        #expect(try !harness.registry.addBaseAlias("tiny", to: "lt"))
        expectRegistryError(.conflict, mentioning: ["a"]) { _ = try harness.registry.addBaseAlias("a", to: "lt") }
        expectRegistryError(.conflict, mentioning: ["tiny"]) { try harness.addAdapter("llama-qv-b", as: "tiny") }
        expectRegistryError(.conflict, mentioning: ["tiny"]) { try harness.addBase("gpt2-tiny", as: "tiny") }
        expectRegistryError(.notFound, mentioning: ["nope"]) { _ = try harness.registry.addBaseAlias("x", to: "nope") }
        guard case .base(let shown, _, _, _) = try harness.registry.show("tiny") else {
            Issue.record("show of an alias is not the base")
            return
        }
        #expect(shown.name == "lt")
        try harness.registry.removeBaseAlias("tiny", of: "lt")
        #expect(try harness.registry.aliases(ofBase: "lt") == ["llama-tiny-v2"])
    }

    @Test func anAmbiguousHubIDListsTheCandidates() throws {
        let harness = try RegistryHarness()
        let id = try HubID(parsing: "tinyorg/llama-tiny")
        _ = try harness.registry.registerBase(directory: Fixtures.path("bases/llama-tiny"), name: "one", hfID: id)
        let copy = try harness.copyFixture("bases/llama-tiny", to: "copy")
        try harness.editJSON(copy + "/generation_config.json") { $0["max_length"] = .int(77) }
        _ = try harness.registry.registerBase(directory: copy, name: "two", hfID: id)
        let before = try harness.state()
        expectRegistryError(.invalid, mentioning: ["tinyorg/llama-tiny", "one@1", "two@1", "--base"]) {
            _ = try harness.registry.registerAdapter(directory: try adapter(harness, naming: "tinyorg/llama-tiny", as: "a"), name: "a", base: nil)
        }
        #expect(try harness.state() == before)
    }

    @Test func theDirectoryABaseWasRegisteredFromFindsIt() throws {
        let harness = try RegistryHarness()
        let copy = try harness.copyFixture("bases/llama-tiny", to: "my-llama")
        _ = try harness.registry.registerBase(directory: copy, name: "mine")
        let found = try harness.registry.registerAdapter(directory: try adapter(harness, naming: copy, as: "a"), name: "a", base: nil)
        #expect(found.record.baseName == "mine")
    }
}
