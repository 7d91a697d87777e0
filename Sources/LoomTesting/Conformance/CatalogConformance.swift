package import Foundation
package import LoomCore
internal import LoomJSON

/// The promises every ``CatalogStore`` backend keeps, as a suite of cases run against each one (SQLite
/// today, PostgreSQL next), in the manner of containerd's content test suite.
///
/// Each case takes a ``Factory`` that makes a fresh, empty catalog reading time from the clock it is
/// given, and throws ``ConformanceFailure`` naming the broken promise. No case uses SQL or any other
/// backend detail. ``names`` lists every case, so a backend's test runs them with one parameterized test.
package enum CatalogConformance {
    /// Makes a fresh, empty catalog whose times come from `clock`.
    package typealias Factory = (_ clock: @escaping @Sendable () -> Date) throws -> any CatalogStore

    /// The names of every case, for a parameterized test (``run(_:with:)``).
    package static var names: [String] { cases.map(\.name) }

    /// Runs the case `name` against catalogs made by `make`.
    ///
    /// - Throws: ``ConformanceFailure`` for a broken promise or an unknown name; what the catalog throws.
    package static func run(_ name: String, with make: Factory) throws {
        guard let found = cases.first(where: { $0.name == name }) else {
            throw ConformanceFailure(description: "no conformance case \(name)")
        }
        try found.run(make)
    }

    private static var cases: [(name: String, run: (Factory) throws -> Void)] {
        [
            ("concurrentWriters", concurrentWriters),
            ("snapshotIsolation", snapshotIsolation),
            ("leaseExpiryAndTakeover", leaseExpiryAndTakeover),
            ("leaseRenewalKeepsIt", leaseRenewalKeepsIt),
            ("leaseRelease", leaseRelease),
            ("eventChainOrder", eventChainOrder),
            ("sweepWaitsForLiveLeases", sweepWaitsForLiveLeases),
            ("sweepRechecksUnderConcurrentWrites", sweepRechecksUnderConcurrentWrites),
        ]
    }

    /// Writers on many threads at once: every registration lands, versions of one name are 1...N with
    /// none given twice, and the event chain still verifies.
    package static func concurrentWriters(_ make: Factory) throws {
        let catalog = try make(Date.init)
        let writers = 8
        let results = Locked<[Result<BaseRecord, any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: writers) { i in
            let result = Result { try Samples.registerBase(catalog, "shared", manifest: "m\(i)") }
            results.withLock { $0.append(result) }
            _ = try? Samples.registerBase(catalog, "own-\(i)")
        }
        let records = try results.withLock { try $0.map { try $0.get() } }
        let versions = records.map(\.version).sorted()
        try ConformanceFailure.check(versions == Array(1...writers), "versions of one name were \(versions)")
        let bases = try catalog.bases()
        try ConformanceFailure.check(bases.count == 2 * writers, "\(bases.count) bases, expected \(2 * writers)")
        let findings = try catalog.verifyChain()
        try ConformanceFailure.check(findings.isEmpty, "event chain broken after concurrent writes: \(findings)")
    }

    /// A reader's snapshot keeps seeing what was committed when it began, while a write commits meanwhile.
    package static func snapshotIsolation(_ make: Factory) throws {
        let catalog = try make(Date.init)
        try Samples.registerBase(catalog, "before")
        let (seenFirst, seenAfterWrite): (Int, Int) = try catalog.snapshot { reader in
            let first = try reader.bases().count
            // The write must run elsewhere: a snapshot is not a write transaction, and may not nest one.
            let written = Locked<(any Error)?>(nil)
            let done = DispatchSemaphore(value: 0)
            let thread = Thread {
                defer { done.signal() }
                do { try Samples.registerBase(catalog, "during") } catch { written.withLock { $0 = error } }
            }
            thread.start()
            done.wait()
            if let error = written.withLock({ $0 }) { throw error }
            return (first, try reader.bases().count)
        }
        try ConformanceFailure.check(seenFirst == 1, "snapshot saw \(seenFirst) bases at its start, expected 1")
        try ConformanceFailure.check(seenAfterWrite == 1, "snapshot saw a write committed during it (\(seenAfterWrite) bases)")
        try ConformanceFailure.check(try catalog.bases().count == 2, "the write made during the snapshot is missing after it")
    }

    /// Appended events come back in commit order with ascending sequence numbers, and the chain verifies,
    /// also when appended from several threads at once.
    package static func eventChainOrder(_ make: Factory) throws {
        let catalog = try make(Date.init)
        for i in 0..<5 { try catalog.recordEvent(EventDraft(kind: "test.step", subject: "s\(i)", detail: .object([:]))) }
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            _ = try? catalog.recordEvent(EventDraft(kind: "test.parallel", subject: "p\(i)", detail: .object([:])))
        }
        let events = try catalog.events(after: 0, limit: 1000)
        let steps = events.filter { $0.kind == "test.step" }.map(\.subject)
        try ConformanceFailure.check(steps == (0..<5).map { "s\($0)" }, "sequential events came back as \(steps)")
        try ConformanceFailure.check(events.filter { $0.kind == "test.parallel" }.count == 8, "a concurrent event is missing")
        let seqs = events.map(\.seq)
        try ConformanceFailure.check(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "sequence numbers \(seqs) are not ascending and unique")
        if let cut = events.dropFirst(3).first {
            let later = try catalog.events(after: cut.seq, limit: 1000)
            try ConformanceFailure.check(later.first?.seq ?? 0 > cut.seq, "events(after:) returned seq \(later.first?.seq ?? 0) after \(cut.seq)")
        }
        let findings = try catalog.verifyChain()
        try ConformanceFailure.check(findings.isEmpty, "verifyChain found \(findings)")
    }
}
