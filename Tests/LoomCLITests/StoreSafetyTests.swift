import Foundation
import GRDB
import LoomJSON
import LoomTesting
import Testing

/// Ways to lose a store by accident (issue 9, items 4 and 5): files in `ingest/` that loom did not write,
/// a catalog copied without its `-wal`.
@Suite struct StoreSafetyTests {
    /// Sets the modification time of `path` to `hours` ago (so gc's 1 h grace does not protect it).
    static func age(_ path: String, hours: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-hours * 3600)], ofItemAtPath: path)
    }

    /// gc deletes in `ingest/` only the names loom gives (`<pid>-<hex>.part` and its own scratch names):
    /// another file there, however old, stays and is reported by gc and verify.
    @Test func gcLeavesForeignIngestFilesAndSaysSo() throws {
        let store = try CLIStore()
        try store.register(adapters: [])
        let ingest = store.path + "/ingest"
        try FileManager.default.createDirectory(atPath: ingest, withIntermediateDirectories: true)
        let foreign = ingest + "/thesis.tex", ours = ingest + "/999999-00000000000000ab.part"
        for path in [foreign, ours] {
            #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
            try Self.age(path, hours: 3)
        }
        let verify = try store.json("verify")
        #expect(verify["foreign_ingest_files"] == .array([.string(foreign)]), "\(verify)")
        #expect(verify["collectable"]?["stale_ingest_files"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == [ours])
        #expect(try store.ok("verify").stdout.contains("note: \(foreign) is not a file loom writes"))

        let gc = try store.json("gc")
        #expect(gc["ingest"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == [ours])
        #expect(gc["skipped"]?.arrayValue?.contains { $0["subject"]?.stringValue == foreign } == true, "\(gc)")
        #expect(FileManager.default.fileExists(atPath: foreign) && !FileManager.default.fileExists(atPath: ours))
        #expect(try store.ok("gc").stdout.contains("skipped \(foreign): not a file loom writes"))
    }

    /// Copies `catalog.sqlite` alone (no `-wal`, no `-shm`) and `blobs/` of `from` into a new store, as an
    /// rsync of "the catalog" and the blobs would.
    static func copyWithoutWAL(_ from: CLIStore) throws -> CLIStore {
        let copy = try CLIStore()
        let fm = FileManager.default
        try fm.createDirectory(atPath: copy.path, withIntermediateDirectories: true)
        try fm.copyItem(atPath: from.path + "/catalog.sqlite", toPath: copy.path + "/catalog.sqlite")
        try fm.copyItem(atPath: from.path + "/blobs", toPath: copy.path + "/blobs")
        return copy
    }

    /// Every write is followed by a checkpoint, so `catalog.sqlite` alone holds the catalog: a copy of it
    /// without the WAL lists the same bases, adapters and artifacts, and verifies clean.
    @Test func catalogSqliteAloneHoldsTheCatalogAfterWrites() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        _ = try store.json("build", "llama-qv")
        try store.ok("pin", "llama-qv")
        let copy = try Self.copyWithoutWAL(store)
        #expect(try copy.ok("ls").stdout == store.ok("ls").stdout)
        #expect(try copy.loom("verify").status == 0)
        #expect(try copy.json("log")["total"] == store.json("log")["total"])
    }

    /// A catalog with no rows beside a full `blobs/` (copied without its WAL, or deleted): verify reports
    /// it (integrity bit, 20) and collects nothing; gc refuses in one line and deletes nothing.
    @Test func blobsBesideABlankCatalogAreAFindingAndGCRefuses() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        let blobs = store.inspector.blobFiles()
        let fm = FileManager.default
        for suffix in ["", "-wal", "-shm"] { try? fm.removeItem(atPath: store.path + "/catalog.sqlite" + suffix) }

        let missing = try store.loom("verify")
        #expect(missing.status == 20 && missing.stdout.contains("catalog.sqlite is missing"), "\(missing)")
        // What a never-checkpointed catalog.sqlite copied without its WAL is: one page, WAL mode, no schema.
        // loom then creates the schema afresh, after the blobs.
        let queue = try DatabaseQueue(path: store.path + "/catalog.sqlite")
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
        try queue.close()
        let verify = try store.loom(["verify", "--json"])
        let report = try JSONParser().parse(verify.stdout)
        #expect(verify.status == 20, "\(verify)")
        #expect(report["findings"]?.arrayValue?.contains { $0["message"]?.stringValue?.contains("without catalog.sqlite-wal") == true } == true, "\(report)")
        #expect(report["collectable"]?["unreferenced_blobs"]?.arrayValue?.isEmpty == true)
        for arguments in [["gc"], ["gc", "--grace", "0", "--max-size", "0"], ["gc", "--dry-run"]] {
            let gc = try store.loom(arguments)
            #expect(gc.status == 4 && gc.stderrLines.count == 1 && gc.stderr.contains("gc refused, nothing was deleted"), "\(gc)")
        }
        #expect(store.inspector.blobFiles() == blobs)
    }

    /// A new store whose first registration crashed after writing a blob (blobs younger than the catalog)
    /// is not mistaken for a lost catalog: gc still collects the leftover.
    @Test func aCrashedFirstRegistrationIsOnlyGarbage() throws {
        let store = try CLIStore()
        _ = try store.crash(["base", "add", Fixtures.path("bases/llama-tiny"), "--name", "llama-tiny"], at: "ingest.after-rename")
        #expect(!store.inspector.blobFiles().isEmpty)
        #expect(try store.loom("verify").status == 0)
        let gc = try store.json("gc", "--grace", "0")
        #expect(gc["blobs"]?.arrayValue?.count == 1 && store.inspector.blobFiles().isEmpty, "\(gc)")
        #expect(try store.loom("verify").status == 0)
    }
}
