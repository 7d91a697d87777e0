import LoomCore
import SQLiteCatalog
import Foundation
import GRDB
import Testing

/// Timings for the report, not pass/fail checks: run with `LOOM_PERF=1 swift test --filter PerformanceMeasurements`.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LOOM_PERF"] != nil))
struct PerformanceMeasurements {
    static let count = 10_000

    static func time<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        let result = try body()
        print("perf: \(label): \(ContinuousClock.now - start)")
        return result
    }

    /// Seeds `count` artifacts shaped like real ones (2 inputs, 3 files, recipe and provenance of a few hundred bytes) in one transaction.
    static func seed(_ dir: TestDirectory) throws {
        try Fixture.rawQueue(dir).write { db in
            let t = "2026-11-29T14:56:38.123Z"
            for i in 0..<count {
                let key = Fixture.digest("artifact/\(i)")
                let a = Fixture.digest("adapter/\(i % 50)")
                let b = Fixture.digest("adapter/\(i % 7)")
                let base = Fixture.digest("base/\(i % 3)")
                let recipe = #"{"base":"\#(base)","adapters":[{"digest":"\#(a)","weight":1.0},{"digest":"\#(b)","weight":0.5}],"dtype":"bf16","engine":"loom-merge 1"}"#
                let provenance = #"{"asked":{"base":"llama","adapters":["sql:1.0","chat:0.5"]},"host":"builder-\#(i % 4)","user":"ci","started_at":"\#(t)","finished_at":"\#(t)","loom":"0.1.0","outputs":["\#(key)"]}"#
                try db.execute(
                    sql: "INSERT INTO artifact VALUES (NULL, ?, ?, ?, 'bf16', 'loom-merge 1', 3000, ?, 0, ?, ?)",
                    arguments: [key, recipe, base, provenance, t, t])
                let id = db.lastInsertedRowID
                try db.execute(sql: "INSERT INTO artifact_input VALUES (?, 0, ?, 1.0), (?, 1, ?, 0.5)", arguments: [id, a, id, b])
                try db.execute(
                    sql: "INSERT INTO artifact_file (artifact_id, path, digest, size) VALUES (?, 'config.json', ?, 500), (?, 'model.safetensors', ?, 2000), (?, 'generation_config.json', ?, 500)",
                    arguments: [id, Fixture.digest("c/\(i)"), id, Fixture.digest("m/\(i)"), id, Fixture.digest("g/\(i)")])
            }
        }
    }

    @Test func listingTenThousandArtifacts() throws {
        let dir = TestDirectory()
        let catalog = try Fixture.open(dir)
        try Self.time("seed \(Self.count) artifacts (raw SQL, one transaction)") { try Self.seed(dir) }
        for round in 1...3 {
            let listed = try Self.time("artifacts() with inputs, round \(round)") { try catalog.artifacts() }
            #expect(listed.count == Self.count)
            #expect(listed.allSatisfy { $0.inputs.count == 2 })
        }
        let withFiles = try Self.time("snapshot artifacts(includingFiles: true)") {
            try catalog.snapshot { try $0.artifacts(includingFiles: true) }
        }
        #expect(withFiles.allSatisfy { $0.files?.count == 3 })
        let blobs = try Self.time("referencedBlobs()") { try catalog.referencedBlobs() }
        #expect(blobs.count == 3 * Self.count)
        _ = try Self.time("artifact(key:) x1000") {
            for i in 0..<1000 { _ = try catalog.artifact(key: Fixture.digest("artifact/\(i * 7)")) }
        }
        _ = try Self.time("holders(ofDigest:) x1000") {
            for i in 0..<1000 { _ = try catalog.holders(ofDigest: Fixture.digest("m/\(i * 7)")) }
        }
        _ = try Self.time("insertArtifact x200 (one IMMEDIATE transaction each, with event)") {
            for i in 0..<200 { try Fixture.insertArtifact(catalog, "timed-\(i)") }
        }
        _ = try Self.time("touchArtifact x200") {
            for i in 0..<200 { try catalog.touchArtifact(key: Fixture.newArtifact("timed-\(i)").key) }
        }
        _ = try Self.time("verifyChain() over 200 events") { try catalog.verifyChain() }
        _ = try Self.time("integrityCheck()") { try catalog.integrityCheck() }
    }
}
