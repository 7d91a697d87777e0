import LoomCore
import SQLiteCatalog
import GRDB
import LoomMigrations
import Testing

/// 0001_create_catalog: migrate from empty, put a row in every table, check constraints,
/// foreign keys, cascades and triggers.
@Suite struct Migration0001Tests {
    static let id = "0001_create_catalog"
    static let d = String(repeating: "a", count: 64)

    /// Migrates an empty file to 0001 and seeds one row per table; returns a raw connection (foreign keys on).
    static func migratedAndSeeded(_ dir: TestDirectory) throws -> DatabaseQueue {
        let path = Fixture.catalogPath(dir)
        #expect(try SQLiteCatalog.migrate(path: path, upTo: nil, migrations: [], logger: Fixture.logger) == [])
        #expect(try SQLiteCatalog.migrate(path: path, upTo: id, migrations: LoomMigrations.all, logger: Fixture.logger) == [id])
        let queue = try Fixture.rawQueue(dir)
        try queue.write { db in
            let t = "2026-11-29T14:56:38.123Z"
            try db.execute(
                sql: """
                    INSERT INTO base VALUES (1, 'llama', 1, 'sha256:\(d)', 'LlamaForCausalLM', 'llama', 'bf16', 10, 100, 0, NULL, '\(t)');
                    INSERT INTO base_file VALUES (1, 'model.safetensors', 'sha256:\(d)', 90);
                    INSERT INTO base_tensor VALUES (1, 'w', 'BF16', '[2,2]', 'model.safetensors', 0);
                    INSERT INTO adapter VALUES (1, 'sql', 1, 1, 'sha256:\(d)', 'LORA', 8, 16.0, 0, 0, '[]', '{}', '{}', '{}', '{}', 10, NULL, '\(t)');
                    INSERT INTO adapter_file VALUES (1, 'adapter_model.safetensors', 'sha256:\(d)', 10);
                    INSERT INTO artifact VALUES (1, 'sha256:\(d)', '{}', 'sha256:\(d)', 'bf16', '1', 100, '{}', 0, '\(t)', '\(t)');
                    INSERT INTO artifact_input VALUES (1, 0, 'sha256:\(d)', 1.0);
                    INSERT INTO artifact_file VALUES (1, 'model.safetensors', 'sha256:\(d)', 100);
                    INSERT INTO lease VALUES ('build:x', 42, 'host', '\(t)', '\(t)');
                    INSERT INTO event (at, actor, kind, subject, detail, prev_hash, hash)
                        VALUES ('\(t)', 'me@host pid 1', 'base.add', 'llama@1', '{}', '\(String(repeating: "0", count: 64))', '\(d)');
                    """)
        }
        return queue
    }

    static func count(_ queue: DatabaseQueue, _ table: String) throws -> Int {
        try queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
    }

    static func rejects(_ queue: DatabaseQueue, _ sql: String) -> String? {
        do {
            try queue.write { try $0.execute(sql: sql) }
            return nil
        } catch let error as DatabaseError {
            return error.message ?? "\(error.resultCode)"
        } catch {
            return "\(error)"
        }
    }

    @Test func seededRowsSatisfyEveryConstraint() throws {
        let dir = TestDirectory()
        let queue = try Self.migratedAndSeeded(dir)
        for table in ["base", "base_file", "base_tensor", "adapter", "adapter_file", "artifact",
            "artifact_input", "artifact_file", "lease", "event"]
        {
            #expect(try Self.count(queue, table) == 1, "\(table)")
        }
        let violations = try queue.read { try Row.fetchAll($0, sql: "PRAGMA foreign_key_check") }
        #expect(violations.isEmpty)
        #expect(try queue.read { try String.fetchAll($0, sql: "SELECT id FROM schema_migrations") } == [Self.id])
    }

    @Test func checksAndUniquenessRejectBadRows() throws {
        let queue = try Self.migratedAndSeeded(TestDirectory())
        let t = "'2026-11-29T14:56:38.123Z'"
        let digest = "'sha256:\(Self.d)'"
        #expect(Self.rejects(queue, "INSERT INTO base VALUES (2, 'llama', 1, \(digest), NULL, NULL, 'f32', 1, 1, 0, NULL, \(t))") != nil)
        #expect(Self.rejects(queue, "INSERT INTO base VALUES (2, 'x', 0, \(digest), NULL, NULL, 'f32', 1, 1, 0, NULL, \(t))") != nil)
        #expect(Self.rejects(queue, "INSERT INTO base VALUES (2, '', 1, \(digest), NULL, NULL, 'f32', 1, 1, 0, NULL, \(t))") != nil)
        #expect(Self.rejects(queue, "INSERT INTO base VALUES (2, 'x', 1, \(digest), NULL, NULL, 'f32', 1, 1, 2, NULL, \(t))") != nil)
        #expect(Self.rejects(queue, "INSERT INTO base_file VALUES (1, 'b', \(digest), -1)") != nil)
        #expect(Self.rejects(queue, "UPDATE artifact SET pinned = 2") != nil)
        #expect(Self.rejects(queue, "INSERT INTO artifact_input VALUES (1, 0, \(digest), 2.0)") != nil)
    }

    @Test func foreignKeysRejectOrphans() throws {
        let queue = try Self.migratedAndSeeded(TestDirectory())
        let digest = "'sha256:\(Self.d)'"
        #expect(Self.rejects(queue, "INSERT INTO base_file VALUES (9, 'x', \(digest), 1)") != nil)
        #expect(Self.rejects(queue, "INSERT INTO base_tensor VALUES (1, 'v', 'F32', '[1]', 'not-a-file', 0)") != nil)
        #expect(Self.rejects(queue, "UPDATE adapter SET base_id = 9") != nil)
        #expect(Self.rejects(queue, "INSERT INTO artifact_file VALUES (9, 'x', \(digest), 1)") != nil)
    }

    @Test func eventRowsCannotBeUpdatedOrDeleted() throws {
        let queue = try Self.migratedAndSeeded(TestDirectory())
        #expect(Self.rejects(queue, "UPDATE event SET kind = 'forged'") == "the event log is append-only")
        #expect(Self.rejects(queue, "DELETE FROM event") == "the event log is append-only")
        #expect(try queue.read { try String.fetchOne($0, sql: "SELECT kind FROM event") } == "base.add")
    }

    @Test func adapterRestrictsDeletingItsBase() throws {
        let queue = try Self.migratedAndSeeded(TestDirectory())
        #expect(Self.rejects(queue, "DELETE FROM base WHERE id = 1")?.contains("FOREIGN KEY") == true)
        #expect(try Self.count(queue, "base_file") == 1)
    }

    @Test func deletingABaseCascadesToItsFilesAndTensors() throws {
        let queue = try Self.migratedAndSeeded(TestDirectory())
        try queue.write { try $0.execute(sql: "DELETE FROM adapter WHERE id = 1") }
        #expect(try Self.count(queue, "adapter_file") == 0)
        try queue.write { try $0.execute(sql: "DELETE FROM base WHERE id = 1") }
        #expect(try Self.count(queue, "base_file") == 0)
        #expect(try Self.count(queue, "base_tensor") == 0)
        #expect(try Self.count(queue, "artifact") == 1)
    }

    @Test func deletingAnArtifactCascadesToItsInputsAndFiles() throws {
        let queue = try Self.migratedAndSeeded(TestDirectory())
        try queue.write { try $0.execute(sql: "DELETE FROM artifact") }
        #expect(try Self.count(queue, "artifact_input") == 0)
        #expect(try Self.count(queue, "artifact_file") == 0)
    }
}
