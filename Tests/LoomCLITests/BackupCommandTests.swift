import Foundation
import LoomJSON
import LoomTesting
import Testing

/// `loom backup DIR`: a store copy that loom opens as it is (catalog through SQLite's backup API, blobs
/// hard-linked or copied), atomic, refusing a non-empty DIR (issue 9, item 4).
@Suite struct BackupCommandTests {
    @Test func aBackupIsAWholeStoreThatVerifiesAndServesTheCachedBuild() throws {
        let store = try CLIStore()
        try store.register(adapters: ["llama-qv"])
        let built = try store.json("build", "llama-qv")
        try store.ok("pin", "llama-qv")
        let destination = store.directory.file("backup")
        let report = try store.json("backup", destination)
        #expect(report["path"]?.stringValue == destination && report["catalog_only"] == .bool(false))
        #expect(report["blobs"]?.intValue == store.inspector.blobFiles().count, "\(report)")
        #expect((report["linked"]?.intValue ?? 0) + (report["copied"]?.intValue ?? 0) == report["blobs"]?.intValue)
        // One self-contained catalog file, no leases, nothing else but blobs.
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination).sorted() == ["blobs", "catalog.sqlite"])
        #expect(try StoreInspector(root: destination).leases().isEmpty)
        #expect(try StoreInspector(root: destination).blobFiles() == store.inspector.blobFiles())
        #expect(try StoreInspector(root: destination).artifacts() == store.inspector.artifacts())

        let restored = ["--store", destination]
        #expect(try LoomProcess.run(["verify"] + restored).status == 0)
        let hit = try LoomProcess.run(["build", "llama-qv", "--json"] + restored).json()
        #expect(hit["cached"] == .bool(true) && hit["key"] == built["key"], "\(hit)")
        #expect(try LoomProcess.run(["log", "--json"] + restored).json()["total"] == store.json("log")["total"])
        // Not a source of garbage either: gc on the copy keeps everything.
        #expect(try LoomProcess.run(["gc", "--grace", "0", "--json"] + restored).json()["blobs"] == .array([]))
    }

    @Test func aNonEmptyDestinationIsRefusedAndNothingIsLeftBehind() throws {
        let store = try CLIStore()
        try store.register(adapters: [])
        let destination = store.directory.file("taken")
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: destination + "/mine", contents: Data("x".utf8)))
        let run = try store.loom("backup", destination)
        #expect(run.status == 4 && run.stderrLines.count == 1 && run.stderr.contains("not empty"), "\(run)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: destination) == ["mine"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.directory.path).sorted() == ["Store", "taken"])

        // An empty directory is fine; --catalog-only copies no blob.
        let empty = store.directory.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        let report = try store.json("backup", empty, "--catalog-only")
        #expect(report["catalog_only"] == .bool(true) && report["blobs"]?.intValue == 0)
        #expect(try FileManager.default.contentsOfDirectory(atPath: empty) == ["catalog.sqlite"])
    }

    @Test func aDestinationInsideTheStoreIsRefused() throws {
        let store = try CLIStore()
        try store.register(adapters: [])
        let run = try store.loom("backup", store.path + "/copy")
        #expect(run.status == 3 && run.stderrLines.count == 1 && run.stderr.contains("inside the store"), "\(run)")
        #expect(!store.exists("Store/copy"))
    }

    @Test func aStoreWithoutACatalogHasNothingToBackUp() throws {
        let store = try CLIStore()
        let run = try store.loom("backup", store.directory.file("b"))
        #expect(run.status == 2 && run.stderrLines.count == 1 && !store.exists("b") && !store.exists("Store"), "\(run)")
    }
}
