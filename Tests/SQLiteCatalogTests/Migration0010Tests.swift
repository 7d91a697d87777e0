import LoomCore
import SQLiteCatalog
import Foundation
import GRDB
import LoomMigrations
import Testing

/// 0010_create_adapter_extractions: migrate a seeded catalog, check the table's constraints, that the row
/// goes with its adapter, and the catalog's extraction calls (idempotent, conflicting provenance refused).
@Suite struct Migration0010Tests {
    static let id = "0010_create_adapter_extractions"

    @Test func migratesASeededCatalogAndExtractionsGoWithTheirAdapter() throws {
        let dir = TestDirectory()
        let queue = try Migration0001Tests.migratedAndSeeded(dir)
        let path = Fixture.catalogPath(dir)
        try Fixture.migrate(path, justBefore: Self.id)
        #expect(try SQLiteCatalog.migrate(path: path, upTo: Self.id, migrations: LoomMigrations.all, logger: Fixture.logger) == [Self.id])
        let d = "sha256:" + Migration0001Tests.d
        let t = "2026-11-29T14:56:38.123Z"
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO adapter_extraction VALUES (1, 'x', '\(d)', NULL, 4, 'exact', NULL, '\(t)')") != nil, "bad digest")
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO adapter_extraction VALUES (1, '\(d)', '\(d)', NULL, 0, 'exact', NULL, '\(t)')") != nil, "rank 0")
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO adapter_extraction VALUES (1, '\(d)', '\(d)', NULL, 4, 'svd', NULL, '\(t)')") != nil, "method")
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO adapter_extraction VALUES (9, '\(d)', '\(d)', NULL, 4, 'exact', NULL, '\(t)')") != nil, "no such adapter")

        let catalog = try Fixture.open(dir)
        let draft = ExtractionRecord(baseManifestDigest: d, tunedManifestDigest: d, tunedSource: "/ft", rank: 16, method: "randomized", seed: 7)
        try catalog.recordExtraction(adapterID: 1, draft)
        try catalog.recordExtraction(adapterID: 1, draft)  // idempotent
        let recorded = try #require(try catalog.extraction(adapterID: 1))
        #expect(recorded.rank == 16 && recorded.method == "randomized" && recorded.seed == 7 && recorded.tunedSource == "/ft")
        var other = draft
        other.rank = 8
        #expect(throws: CatalogError.self) { try catalog.recordExtraction(adapterID: 1, other) }
        #expect(throws: CatalogError.self) { try catalog.recordExtraction(adapterID: 99, draft) }
        try queue.write { try $0.execute(sql: "DELETE FROM adapter_file; DELETE FROM adapter") }
        #expect(try Migration0001Tests.count(queue, "adapter_extraction") == 0)
    }
}
