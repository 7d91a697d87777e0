import Foundation
import GRDB
import Testing

import LoomCore
@testable import SQLiteCatalog

/// The settings every catalog connection must have, read back from SQLite itself: GRDB's `DatabasePool`
/// applies settings of its own when it opens, and they must not override the catalog's.
@Suite struct CatalogConnectionTests {
    /// `PRAGMA synchronous` values.
    static let full = 2

    @Test func theWriterCommitsInWALModeWithSynchronousFull() throws {
        let dir = TestDirectory()
        let catalog = try Fixture.open(dir)
        let (mode, synchronous, foreignKeys) = try catalog.pool.writeWithoutTransaction { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(mode == "wal")
        #expect(synchronous == Self.full, "the writer commits with synchronous = \(synchronous.map(String.init) ?? "?"), not FULL")
        #expect(foreignKeys == 1)
    }
}
