import LoomBackends
import LoomCore
import SQLiteCatalog
import Foundation
import LoomBackends
import LoomTesting
import Testing

@testable import Registry

/// `log`: every change, oldest first, with the chain of the whole log checked.
@Suite struct LogTests {
    let harness: RegistryHarness

    init() throws {
        harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        _ = try harness.registry.build(BuildRequest(target: .named(Reference(name: "llama-qv"))))
    }

    @Test func everyChangeOldestFirstWithTheChainVerified() throws {
        let log = try harness.registry.log()
        #expect(log.events.map(\.kind) == ["base.add", "adapter.add", "artifact.build"])
        #expect(log.events.map(\.seq) == [1, 2, 3] && log.total == 3)
        #expect(log.events.map(\.subject).prefix(2) == ["llama-tiny@1", "llama-qv@1"])
        #expect(log.isVerified)
    }

    @Test func limitKeepsTheMostRecentStillOldestFirst() throws {
        let log = try harness.registry.log(limit: 2)
        #expect(log.events.map(\.seq) == [2, 3] && log.total == 3)
        #expect(try harness.registry.log(limit: 0).events.isEmpty)
        #expect(throws: RegistryError.self) { try harness.registry.log(limit: -1) }
    }

    @Test func anEditedEventBreaksTheChainEvenWhenNotShown() throws {
        try Tampering.sql(
            harness.registry.catalogPath, "DROP TRIGGER event_is_append_only_update; UPDATE event SET subject = 'x@1' WHERE seq = 1;")
        let log = try harness.registry.log(limit: 1)
        #expect(!log.isVerified)
        #expect(log.chainFindings.map(\.seq) == [1])
    }

    @Test func anUnparsableEditedDetailStillReportsTheBreak() throws {
        try Tampering.sql(
            harness.registry.catalogPath, "DROP TRIGGER event_is_append_only_update; UPDATE event SET detail = 'not json' WHERE seq = 2;")
        let log = try harness.registry.log()
        #expect(log.chainFindings.map(\.seq) == [2])
        #expect(log.events.map(\.seq) == [1])
    }

    @Test func aMissingStoreHasAnEmptyVerifiedLog() throws {
        let empty = try StoreBackends.registry(root: harness.directory.path + "/Elsewhere")
        let log = try empty.log()
        #expect(log.events.isEmpty && log.isVerified)
        #expect(!FileManager.default.fileExists(atPath: harness.directory.path + "/Elsewhere"))
    }
}
