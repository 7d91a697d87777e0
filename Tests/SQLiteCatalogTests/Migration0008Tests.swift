import LoomCore
import SQLiteCatalog
import Foundation
import GRDB
import LoomMigrations
import Testing

/// 0008_create_artifact_holds: migrate a seeded catalog, check the table's constraints, that holds go
/// with their artifact, and that the catalog's hold calls work on it.
@Suite struct Migration0008Tests {
    @Test func migratesASeededCatalogAndHoldsGoWithTheirArtifact() throws {
        let dir = TestDirectory()
        let queue = try Migration0001Tests.migratedAndSeeded(dir)
        let path = Fixture.catalogPath(dir)
        try Fixture.migrate(path, justBefore: "0008_create_artifact_holds")
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0008_create_artifact_holds", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0008_create_artifact_holds"])
        let t = "2026-11-29T14:56:38.123Z"
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO artifact_hold VALUES (1, '', '\(t)', '\(t)')") != nil)
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO artifact_hold VALUES (9, 'me', '\(t)', '\(t)')") != nil, "no such artifact")
        try queue.write { try $0.execute(sql: "INSERT INTO artifact_hold VALUES (1, 'me', '\(t)', '\(t)')") }
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO artifact_hold VALUES (1, 'me', '\(t)', '\(t)')") != nil, "one hold per holder")

        let clock = FakeClock()
        let catalog = try Fixture.open(dir, clock: clock)
        let key = "sha256:" + Migration0001Tests.d
        #expect(try catalog.holds().map(\.holder) == ["me"])
        let hold = try catalog.holdArtifact(key: key, holder: "server-1", until: clock.now.addingTimeInterval(60))
        #expect(hold.key == key && hold.isLive(at: clock.now) && !hold.isLive(at: clock.now.addingTimeInterval(61)))
        // The expired hold of "me" was dropped on the way.
        #expect(try catalog.holds().map(\.holder) == ["server-1"])
        #expect(throws: CatalogError.self) { try catalog.holdArtifact(key: key, holder: "x", until: clock.now) }
        #expect(try catalog.releaseHolds(key: key, holder: "nobody").isEmpty)
        try catalog.holdArtifact(key: key, holder: "server-2", until: clock.now.addingTimeInterval(60))
        try catalog.deleteArtifact(key: key, reason: "test")
        #expect(try Migration0001Tests.count(queue, "artifact_hold") == 0)
    }
}
