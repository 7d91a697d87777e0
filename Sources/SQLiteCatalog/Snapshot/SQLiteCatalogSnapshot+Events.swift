internal import GRDB
package import LoomCore

extension SQLiteCatalogSnapshot {
    /// Up to `limit` events with `seq > after`, oldest first.
    package func events(after seq: Int64 = 0, limit: Int = 1000) throws -> [EventRecord] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM event WHERE seq > ? ORDER BY seq LIMIT ?", arguments: [seq, max(0, limit)]
        ).map(EventRecord.init(row:))
    }

    /// The highest seq ever used: the larger of the last row's seq and SQLite's AUTOINCREMENT
    /// counter (which remembers rows deleted from the end); 0 for an empty log.
    func lastEventSeq() throws -> Int64 {
        let counter = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'event'") ?? 0
        let last = try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM event") ?? 0
        return max(counter, last)
    }

    /// Walks the whole event log and reports every break in its hash chain; empty when intact.
    ///
    /// Finds edited rows (content does not hash to the stored hash), deleted or reordered rows
    /// (`prev_hash` is not the previous row's hash, gaps in `seq`), and a truncated tail (SQLite's
    /// sequence counter is ahead of the last row). Reads one row at a time.
    package func verifyChain() throws -> [ChainFinding] {
        var findings: [ChainFinding] = []
        var expectedSeq: Int64 = 1
        var previousHash = EventChain.genesis
        let rows = try Row.fetchCursor(
            db, sql: "SELECT seq, at, actor, kind, subject, detail, prev_hash, hash FROM event ORDER BY seq"
        )
        while let row = try rows.next() {
            let seq: Int64 = try row.decode(atIndex: 0)
            let prevHash: String = try row.decode(atIndex: 6)
            let hash: String = try row.decode(atIndex: 7)
            if seq != expectedSeq {
                findings.append(ChainFinding(seq: seq, problem: .seqGap(missing: expectedSeq...(seq - 1))))
            }
            if prevHash != previousHash {
                findings.append(ChainFinding(seq: seq, problem: .prevHashMismatch))
            }
            let computed = EventChain.hash(
                prev: prevHash, seq: seq, at: try row.decode(atIndex: 1), actor: try row.decode(atIndex: 2),
                kind: try row.decode(atIndex: 3), subject: try row.decode(atIndex: 4),
                detailText: try row.decode(atIndex: 5))
            if computed != hash {
                findings.append(ChainFinding(seq: seq, problem: .hashMismatch))
            }
            previousHash = hash
            expectedSeq = seq + 1
        }
        let counter = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'event'") ?? 0
        if counter >= expectedSeq {
            findings.append(ChainFinding(seq: expectedSeq - 1, problem: .truncated(lastWritten: counter)))
        }
        return findings
    }
}
