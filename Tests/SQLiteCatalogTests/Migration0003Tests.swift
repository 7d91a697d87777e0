import LoomCore
import SQLiteCatalog
import GRDB
import LoomMigrations
import Testing

/// 0003_record_blob_stats: migrate a seeded 0002 catalog; old artifact files keep null stats (and still
/// read), new ones record them, and `recordBlobStat` updates every file row of a blob.
@Suite struct Migration0003Tests {
    @Test func migratesASeededCatalogAndKeepsOldFilesWithoutStats() throws {
        let dir = TestDirectory()
        let queue = try Migration0001Tests.migratedAndSeeded(dir)
        let path = Fixture.catalogPath(dir)
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0002_create_recipes", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0002_create_recipes"])
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0003_record_blob_stats", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0003_record_blob_stats"])
        #expect(try Migration0001Tests.count(queue, "artifact_file") == 1)
        let nulls = try queue.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM artifact_file WHERE blob_mtime_ns IS NULL AND blob_inode IS NULL")
        }
        #expect(nulls == 1)

        let catalog = try Fixture.open(dir)
        #expect(try catalog.artifactBlobStats(artifactID: 1).isEmpty, "an old artifact has no stats and still reads")
        let d = "sha256:" + Migration0001Tests.d
        try catalog.recordBlobStat(digest: d, BlobStat(size: 100, modifiedNanoseconds: 1_700_000_000_123_456_789, inode: 42))
        #expect(try catalog.artifactBlobStats(artifactID: 1) == [d: BlobStat(size: 100, modifiedNanoseconds: 1_700_000_000_123_456_789, inode: 42)])
        // A stat of another size is not this row's blob: nothing changes.
        try catalog.recordBlobStat(digest: d, BlobStat(size: 7, modifiedNanoseconds: 1, inode: 1))
        #expect(try catalog.artifactBlobStats(artifactID: 1)[d]?.inode == 42)
    }
}
