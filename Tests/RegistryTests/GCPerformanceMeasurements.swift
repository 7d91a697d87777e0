import LoomCore
import SQLiteCatalog
import Crypto
import Foundation
import GRDB
import Testing

@testable import Registry

/// Timings for the report, not pass/fail checks:
/// `LOOM_PERF=1 swift test --filter GCPerformanceMeasurements` (a debug build; in-process, no process start).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["LOOM_PERF"] != nil))
struct GCPerformanceMeasurements {
    static let count = 10_000

    static func time<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
        let start = ContinuousClock.now
        let result = try body()
        print("perf: \(label): \(ContinuousClock.now - start)")
        return result
    }

    static func digest(_ seed: String) -> String {
        "sha256:" + SHA256.hash(data: Array(seed.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// `count` artifacts of 3 files each (config and generation config shared by many, weights unique), used one
    /// second apart, in one transaction; and a tiny blob file for every digest, as `blobs/` would hold them.
    static func seed(_ store: GCStore) throws {
        let start = store.clock.now.addingTimeInterval(-Double(count))
        var digests = Set<String>()
        try DatabaseQueue(path: store.registry.catalogPath).write { db in
            for i in 0..<count {
                let key = digest("artifact/\(i)")
                let used = Timestamps.iso(start.addingTimeInterval(Double(i)))
                let files = [("config.json", digest("config/\(i % 3)")), ("generation_config.json", digest("generation")),
                             ("model.safetensors", digest("model/\(i)"))]
                try db.execute(
                    sql: """
                        INSERT INTO artifact (key, recipe, base_digest, dtype, engine_version, total_size, provenance, pinned,
                            created_at, last_used_at)
                        VALUES (?, '{}', ?, 'bf16', 'loom-merge 1', 3000, '{}', ?, ?, ?)
                        """,
                    arguments: [key, digest("base"), i % 100 == 0 ? 1 : 0, used, used])
                let id = db.lastInsertedRowID
                for (path, fileDigest) in files {
                    try db.execute(sql: "INSERT INTO artifact_file (artifact_id, path, digest, size) VALUES (?, ?, ?, 1000)", arguments: [id, path, fileDigest])
                    digests.insert(fileDigest)
                }
            }
        }
        for text in digests {
            let hex = String(text.dropFirst(7))
            let directory = store.root + "/blobs/sha256/" + hex.prefix(2)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: directory + "/" + hex, contents: Data(repeating: 1, count: 1000)))
        }
    }

    @Test func planningOverTenThousandArtifacts() throws {
        let store = try GCStore()
        try Self.time("seed \(Self.count) artifacts and their blob files") { try Self.seed(store) }
        let budget = Int64(Self.count / 2) * 3000
        for round in 1...3 {
            let plan = try Self.time("dry run, --max-size \(budget), round \(round)") {
                try store.gc(dryRun: true, maxSize: budget)
            }
            #expect(plan.artifacts.count == Self.count / 2)
            #expect(plan.blobs.count == Self.count / 2)
        }
        let done = try Self.time("real run: evict \(Self.count / 2) artifacts, delete their blobs") {
            try store.gc(maxSize: budget)
        }
        #expect(done.artifacts.count == Self.count / 2 && done.blobs.count == Self.count / 2)
        #expect(try store.everyArtifactIsComplete())
    }
}
