import Foundation

extension BenchRunner {
    /// The ``CatalogMeasure`` rows: a copy of the ls store (catalog copied, blobs hard-linked), opened once in
    /// this process; each operation makes one warm-up run, then ``runs`` timed runs, one after the other.
    func measureCatalog(_ rows: inout [Row]) throws {
        try ensureLsStore()
        let store = scratch + "/catalog-store"
        try StoreFixture.copyStore(from: lsStore, to: store, scratch: scratch)
        defer { try? fm.removeItem(atPath: store) }
        guard let catalog = try StoreFixture.open(store) else { throw BenchError("no catalog in \(store)") }
        let measure = try CatalogMeasure(catalog: catalog)
        for (i, operation) in measure.operations(artifacts: Self.syntheticArtifactCount).enumerated() {
            for run in 0...runs {
                let start = ContinuousClock.now
                try operation.body(catalog, run)
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                log("\(operation.row.title) \(run == 0 ? "warm-up" : "run \(run)/\(runs)"): \(Units.seconds(seconds))")
                if run > 0 { rows[i].loom.add(wall: seconds) }
            }
        }
    }
}
