import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Testing

@testable import Registry

/// `loom rm`: versions, the base-in-use refusal, cascade, and blobs left for gc.
@Suite struct RemovalTests {
    @Test func removingOneAdapterVersionKeepsTheOthersAndTheBlobs() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv", as: "qv")
        try harness.addAdapter("llama-qv-b", as: "qv")
        let blobs = harness.blobFiles()
        let events = try harness.events().count

        let removal = try harness.registry.remove(.adapter, Reference(name: "qv", version: 1), cascade: false)
        #expect(removal.adapters.map(\.reference) == ["qv@1"])
        #expect(removal.bases.isEmpty)
        #expect(try harness.registry.list().adapters.map(\.reference) == ["qv@2"])
        expectRegistryError(.notFound) { _ = try harness.registry.show("qv@1") }
        guard case .adapter(let latest, _) = try harness.registry.show("qv") else {
            Issue.record("show qv is not an adapter")
            return
        }
        #expect(latest.version == 2)
        #expect(harness.blobFiles() == blobs)
        let added = try harness.events().dropFirst(events)
        #expect(added.map(\.kind) == ["adapter.rm"])
        #expect(added.map(\.subject) == ["qv@1"])
    }

    @Test func removingWithoutAVersionRemovesTheLatest() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv", as: "qv")
        try harness.addAdapter("llama-qv-b", as: "qv")
        let removal = try harness.registry.remove(.adapter, Reference(name: "qv"), cascade: false)
        #expect(removal.adapters.map(\.reference) == ["qv@2"])
        #expect(try harness.registry.list().adapters.map(\.reference) == ["qv@1"])
    }

    @Test func aRemovedAdapterCanBeAddedAgainFromTheBlobsLeftBehind() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv", as: "qv")
        _ = try harness.registry.remove(.adapter, Reference(name: "qv", version: 1), cascade: false)
        let blobs = harness.blobFiles()
        let again = try harness.addAdapter("llama-qv", as: "qv")
        #expect(again.created && again.record.version == 2)
        #expect(harness.blobFiles() == blobs)
    }

    /// Issue 12 item 2: a NAME@N means the same bytes forever, so a removed version's number is not given
    /// again, and asking for it says it was removed.
    @Test func aRemovedVersionNumberIsNeverGivenAgain() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv", as: "x")
        _ = try harness.registry.remove(.adapter, Reference(name: "x"), cascade: false)
        let other = try harness.addAdapter("llama-qv-b", as: "x")
        #expect(other.created && other.record.version == 2)
        #expect(try harness.registry.list().adapters.map(\.reference) == ["x@2"])
        expectRegistryError(.notFound, mentioning: ["x@1", "was removed"]) { _ = try harness.registry.show("x@1") }
        expectRegistryError(.notFound, mentioning: ["x@1", "was removed"]) {
            _ = try harness.registry.remove(.adapter, Reference(name: "x", version: 1), cascade: false)
        }
        expectRegistryError(.notFound, mentioning: ["x@1", "was removed"]) {
            _ = try harness.registry.setPinned("x@1", true)
        }
        // A version never given is still "not registered", not "removed".
        let never = expectRegistryError(.notFound, mentioning: ["x@3"]) { _ = try harness.registry.show("x@3") }
        #expect(never?.message.contains("removed") == false)
        // Bases too.
        try harness.addBase("llama-tiny", as: "b")
        _ = try harness.registry.remove(.base, Reference(name: "b"), cascade: false)
        #expect(try harness.addBase("llama-tiny", as: "b").record.version == 2)
    }

    @Test func aBaseInUseIsNotRemovedAndTheMessageNamesItsAdapters() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        try harness.addAdapter("llama-dora")
        let before = try harness.state()
        let events = try harness.events()
        expectRegistryError(.conflict, mentioning: ["llama-tiny", "llama-qv@1", "llama-dora@1"]) {
            _ = try harness.registry.remove(.base, Reference(name: "llama-tiny"), cascade: false)
        }
        #expect(try harness.state() == before)
        #expect(try harness.events().count <= events.count + 1)
    }

    @Test func cascadeRemovesTheBaseAndItsAdaptersButNotTheBlobs() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addBase("gpt2-tiny")
        try harness.addAdapter("llama-qv")
        try harness.addAdapter("llama-dora")
        try harness.addAdapter("gpt2-c-attn")
        let blobs = harness.blobFiles()

        let removal = try harness.registry.remove(.base, Reference(name: "llama-tiny"), cascade: true)
        #expect(removal.bases.map(\.reference) == ["llama-tiny@1"])
        #expect(Set(removal.adapters.map(\.reference)) == ["llama-qv@1", "llama-dora@1"])
        let listing = try harness.registry.list()
        #expect(listing.bases.map(\.reference) == ["gpt2-tiny@1"])
        #expect(listing.adapters.map(\.reference) == ["gpt2-c-attn@1"])
        #expect(harness.blobFiles() == blobs)
        // Without its base the adapter cannot come back until the base does.
        expectRegistryError(.notFound, mentioning: ["--base"]) { try harness.addAdapter("llama-qv") }
        try harness.addBase("llama-tiny")
        #expect(try harness.addAdapter("llama-qv").created)
        #expect(harness.blobFiles() == blobs)
    }

    @Test func aBaseWithoutAdaptersIsRemoved() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let blobs = harness.blobFiles()
        let removal = try harness.registry.remove(.base, Reference(name: "llama-tiny", version: 1), cascade: false)
        #expect(removal.bases.map(\.reference) == ["llama-tiny@1"])
        #expect(try harness.registry.list().bases.isEmpty)
        #expect(harness.blobFiles() == blobs)
    }

    @Test func removingWhatIsNotThereIsNotFound() throws {
        let harness = try RegistryHarness()
        expectRegistryError(.notFound, mentioning: ["nothing"]) {
            _ = try harness.registry.remove(.adapter, Reference(name: "nothing"), cascade: false)
        }
        #expect(!FileManager.default.fileExists(atPath: harness.registry.catalogPath))
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        let before = try harness.state()
        expectRegistryError(.notFound, mentioning: ["llama-qv@2"]) {
            _ = try harness.registry.remove(.adapter, Reference(name: "llama-qv", version: 2), cascade: false)
        }
        // The wrong kind: the message says what the name is.
        expectRegistryError(.notFound, mentioning: ["llama-tiny", "base"]) {
            _ = try harness.registry.remove(.adapter, Reference(name: "llama-tiny"), cascade: false)
        }
        expectRegistryError(.notFound, mentioning: ["llama-qv", "adapter"]) {
            _ = try harness.registry.remove(.base, Reference(name: "llama-qv"), cascade: true)
        }
        #expect(try harness.state() == before)
    }
}
