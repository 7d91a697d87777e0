import Foundation
import LoomJSON

extension BenchRunner {
    /// A real `loom gc --max-size HALF --json` over a fresh copy of the ls store each run (the copy, which
    /// hard-links the blobs, is made and deleted untimed): the eviction of half the 10,000 artifacts, least
    /// recently used first, each re-checked and deleted, and the blobs they alone held.
    func measureEviction(_ row: inout Row) throws {
        try ensureLsStore()
        let store = scratch + "/gc-store"
        let budget = try StoreFixture.artifactBytes(store: lsStore) / 2
        var evicted = 0
        for run in 0...runs {
            try StoreFixture.copyStore(from: lsStore, to: store, scratch: scratch)
            defer { try? fm.removeItem(atPath: store) }
            let outcome = try loom(["--store", store, "gc", "--max-size", String(budget), "--json"], output: "gc-evict.json")
            let bytes = fm.contents(atPath: scratch + "/gc-evict.json").map { [UInt8]($0) } ?? []
            guard let plan = try? JSONParser().parse(bytes), plan["dry_run"]?.boolValue == false,
                let artifacts = plan["artifacts"]?.arrayValue, !artifacts.isEmpty
            else {
                throw BenchError("loom gc --max-size \(budget) --json evicted nothing")
            }
            evicted = artifacts.count
            record(&row, run: run, outcome, floor: nil, label: "gc --max-size \(budget)")
        }
        row.note = "evicts \(Units.grouped(evicted)) artifacts per run (budget \(Units.bytes(Int(budget))))"
    }
}
