import LoomCore
import SQLiteCatalog
import GRDB
import LoomMigrations
import Testing

/// 0006_keep_version_numbers: migrate a seeded catalog whose event log names a removed version, check the
/// high-water marks it starts from, that the triggers keep them, and that new versions never reuse a number.
@Suite struct Migration0006Tests {
    @Test func startsFromRowsAndEventsAndNeverReusesANumber() throws {
        let dir = TestDirectory()
        let queue = try Migration0001Tests.migratedAndSeeded(dir)
        let path = Fixture.catalogPath(dir)
        try Fixture.migrate(path, justBefore: "0006_keep_version_numbers")
        // The log remembers qv@3 and llama@2, both removed before the migration; a malformed detail is skipped.
        let t = "2026-11-29T14:56:38.123Z"
        try queue.write { db in
            for (i, (kind, detail)) in [
                ("adapter.add", #"{"name":"qv","version":3}"#), ("base.add", #"{"name":"llama","version":2}"#),
                ("adapter.add", #"{"name":"qv","version":"9"}"#), ("adapter.add", "not json"),
            ].enumerated() {
                try db.execute(
                    sql: "INSERT INTO event (at, actor, kind, subject, detail, prev_hash, hash) VALUES (?, 'me', ?, 's', ?, ?, ?)",
                    arguments: [t, kind, detail, String(repeating: "0", count: 64), String(repeating: "\(i + 1)", count: 64)])
            }
        }
        #expect(try SQLiteCatalog.migrate(path: path, upTo: "0006_keep_version_numbers", migrations: LoomMigrations.all, logger: Fixture.logger)
            == ["0006_keep_version_numbers"])
        let marks = try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT kind, name, version FROM version_high ORDER BY kind, name").map {
                "\($0["kind"] as String) \($0["name"] as String)@\($0["version"] as Int)"
            }
        }
        #expect(marks == ["adapter qv@3", "adapter sql@1", "base llama@2"])
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO version_high VALUES ('recipe', 'r', 1)") != nil)
        #expect(Migration0001Tests.rejects(queue, "INSERT INTO version_high VALUES ('base', 'b', 0)") != nil)

        // The trigger raises the mark on insert and never lowers it; removing the row keeps it.
        let d = Migration0001Tests.d
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO adapter VALUES (2, 'sql', 7, 1, 'sha256:\(d)', 'LORA', 8, 16.0, 0, 0, '[]', '{}', '{}', '{}', '{}', 10, NULL, '\(t)');
                DELETE FROM adapter WHERE id = 2;
                INSERT INTO adapter VALUES (3, 'sql', 2, 1, 'sha256:\(d)', 'LORA', 8, 16.0, 0, 0, '[]', '{}', '{}', '{}', '{}', 10, NULL, '\(t)');
                DELETE FROM adapter WHERE id IN (1, 3);
                """)
        }
        let catalog = try Fixture.open(dir)
        #expect(try catalog.highestVersionEver(of: "sql", kind: .adapter) == 7)
        #expect(try catalog.highestVersionEver(of: "qv", kind: .adapter) == 3)
        #expect(try catalog.highestVersionEver(of: "llama", kind: .base) == 2)
        #expect(try catalog.highestVersionEver(of: "llama", kind: .adapter) == nil)
        #expect(try catalog.highestVersionEver(of: "new", kind: .adapter) == nil)
        #expect(throws: CatalogError.self) { _ = try catalog.removeAdapter(name: "sql", version: 7) }
        do {
            _ = try catalog.removeAdapter(name: "sql", version: 7)
        } catch {
            #expect("\(error)".contains("was removed"), "\(error)")
        }
    }
}
