import Foundation
import GRDB
import LoomJSON
import LoomTesting
import Testing

/// How `loom` uses SQLite, seen from another process: the catalog is in WAL mode (readers never wait for
/// a writer), and a writer that finds the write lock taken waits for it (busy timeout) instead of failing.
@Suite(.serialized) struct SQLiteUsageTests {
    /// Holds the catalog's write lock (`BEGIN IMMEDIATE`, as loom's own writers take it) for `seconds`
    /// while `body` runs; returns what `body` returned and how long it took.
    ///
    /// First commits an empty change, as any loom write would, so that the WAL file is not empty: on a
    /// store whose WAL is empty (every connection closed since the last write), GRDB's `DatabasePool` makes
    /// each process that opens it write one empty transaction, which does wait for the lock.
    static func whileLocked<T: Sendable>(_ store: CLIStore, seconds: Double, _ body: @escaping @Sendable () throws -> T) throws
        -> (T, TimeInterval)
    {
        let locked = DispatchSemaphore(value: 0)
        let results = try ParallelRuns.run(2) { index -> (T, TimeInterval)? in
            if index == 0 {
                let database = try store.inspector.database()
                try database.write { db in try db.execute(sql: "CREATE TABLE wal_filler (x); DROP TABLE wal_filler;") }
                try database.inTransaction(.immediate) { _ in
                    locked.signal()
                    Thread.sleep(forTimeInterval: seconds)
                    return .commit
                }
                return nil
            }
            locked.wait()
            let started = Date()
            let value = try body()
            return (value, Date().timeIntervalSince(started))
        }
        return try #require(results[1])
    }

    @Test func theCatalogIsInWALMode() throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let mode = try store.inspector.database().read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func aReaderDoesNotWaitForAWriter() throws {
        let store = try StoreTemplates.shared.copy(.built)
        let (run, elapsed) = try Self.whileLocked(store, seconds: 2.5) { try store.loom(["ls", "--json"]) }
        #expect(try run.json()["artifacts"]?.arrayValue?.count == 1)
        #expect(elapsed < 2, "ls waited \(elapsed) s for the write lock")
    }

    @Test func aWriterWaitsForTheWriteLockAndSucceeds() throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let (run, elapsed) = try Self.whileLocked(store, seconds: 1.5) {
            try store.loom(["adapter", "add", Fixtures.path("adapters/llama-qv"), "--name", "again", "--json"])
        }
        #expect(try run.json()["ref"]?.stringValue == "again@1")
        #expect(elapsed >= 1.0, "the registration did not wait for the lock (\(elapsed) s)")
        try store.expectConsistent()
    }
}
