/// Something wrong with the event log, found by ``CatalogStore/verifyChain()``.
package struct ChainFinding: Sendable, Equatable, CustomStringConvertible {
    /// What is wrong at ``seq``.
    package enum Problem: Sendable, Equatable {
        /// The row's content does not hash to its stored hash: the row was edited.
        case hashMismatch
        /// The row's `prev_hash` is not the previous row's hash: a row before it was deleted, or rows were reordered.
        case prevHashMismatch
        /// Sequence numbers `missing` are absent before this row.
        case seqGap(missing: ClosedRange<Int64>)
        /// Rows after this seq were once written (SQLite's sequence counter says so) and are gone: the log was truncated.
        case truncated(lastWritten: Int64)
    }

    /// The event the finding is about (for ``Problem/truncated(lastWritten:)``, the last one present, or 0).
    package let seq: Int64
    /// What is wrong.
    package let problem: Problem

    /// A finding about event `seq`.
    package init(seq: Int64, problem: Problem) {
        self.seq = seq
        self.problem = problem
    }

    /// One line naming the seq and the problem.
    package var description: String {
        switch problem {
        case .hashMismatch:
            "event \(seq): content does not match its hash (the row was edited)"
        case .prevHashMismatch:
            "event \(seq): prev_hash is not the previous event's hash (an event was deleted or reordered)"
        case .seqGap(let missing):
            missing.count == 1
                ? "event \(seq): event \(missing.lowerBound) is missing"
                : "event \(seq): events \(missing.lowerBound)–\(missing.upperBound) are missing"
        case .truncated(let last):
            "event log ends at \(seq) but events up to \(last) were written (the log was truncated)"
        }
    }
}
