/// The timed runs of one thing (after its warm-up): wall seconds and peak RSS per run.
///
/// A value type; statistics are computed on demand and are nil while there are no runs.
struct Samples: Sendable {
    /// Wall seconds, in run order.
    private(set) var walls: [Double] = []
    /// Peak RSS in bytes per run (0 when not measured, as for floors).
    private(set) var peakRSS: [Int] = []

    /// Records one run.
    mutating func add(wall: Double, peakRSS rss: Int = 0) {
        walls.append(wall)
        peakRSS.append(rss)
    }

    var count: Int { walls.count }
    var median: Double? { Samples.median(walls) }
    var min: Double? { walls.min() }
    var max: Double? { walls.max() }
    /// The largest peak RSS over the runs.
    var maxRSS: Int? { peakRSS.max() }
    /// The median peak RSS over the runs.
    var medianRSS: Int? { Samples.median(peakRSS.map(Double.init)).map { Int($0) } }

    /// The middle value (the mean of the two middle values for an even count), or nil when empty.
    static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

/// A floor's runs: `cp SRC… DST/ && sync DST…` timed as one step, `openssl dgst -sha256 SRC…` as another.
struct FloorSamples: Sendable {
    var copySync = Samples()
    var hash = Samples()
    /// Per run, copy+sync plus hash; the floor the loom measure is compared with.
    var total = Samples()

    mutating func add(copySync: Double, hash: Double) {
        self.copySync.add(wall: copySync)
        self.hash.add(wall: hash)
        total.add(wall: copySync + hash)
    }
}

/// One row of the report: a loom measure, its floor when it has one, its target and the verdict.
struct Row: Sendable {
    /// What the target bounds.
    enum Target: Sendable {
        /// median(loom) / median(floor) ≤ the value.
        case ratio(Double)
        /// median wall seconds ≤ the value.
        case wall(Double)
        /// the peak RSS over the runs, in bytes, ≤ the value.
        case peakRSS(Int)
    }

    /// Stable identifier for JSON (`base_add`, `cold_build`, ...).
    let id: String
    let title: String
    let target: Target
    var loom = Samples()
    var floor: FloorSamples?
    /// Why the row has no verdict (skipped, not available, failed), or an observation.
    var note: String?
    /// True when the measure could not be made because something failed (not a missed target).
    var failed = false
    /// True when the binary lacks the command measured (gc before it exists).
    var unavailable = false

    var ratio: Double? {
        guard let l = loom.median, let f = floor?.total.median, f > 0 else { return nil }
        return l / f
    }

    /// The value compared with the target.
    var measured: Double? {
        switch target {
        case .ratio: ratio
        case .wall: loom.median
        case .peakRSS: loom.maxRSS.map(Double.init)
        }
    }

    /// PASS or FAIL against the target; ERROR when the measure failed; n/a when loom lacks the command;
    /// SKIP when it was not made.
    var verdict: String {
        if failed { return "ERROR" }
        if unavailable { return "n/a" }
        guard let value = measured else { return "SKIP" }
        switch target {
        case .ratio(let bound): return value <= bound ? "PASS" : "FAIL"
        case .wall(let bound): return value <= bound ? "PASS" : "FAIL"
        case .peakRSS(let bound): return value <= Double(bound) ? "PASS" : "FAIL"
        }
    }

    /// The target as text: `≤ 0.8 × floor`, `≤ 30 ms`, `≤ 300 MB`.
    var targetText: String {
        switch target {
        case .ratio(let bound): "≤ \(Units.decimal(bound, digits: 1)) × floor"
        case .wall(let bound): bound < 1 ? "≤ \(Units.decimal(bound * 1000, digits: 0)) ms" : "≤ \(Units.decimal(bound, digits: 0)) s"
        case .peakRSS(let bound):
            bound >= 1_000_000_000 ? "≤ \(Units.decimal(Double(bound) / 1e9, digits: 0)) GB" : "≤ \(Units.decimal(Double(bound) / 1e6, digits: 0)) MB"
        }
    }
}
