import LoomCore
import SQLiteCatalog
import Crypto
import Foundation
import GRDB
import LoomJSON
import Testing

@Suite struct EventChainTests {
    /// Four events: base.add, adapter.add, artifact.build, artifact.pin.
    static func catalogWithFourEvents(_ dir: TestDirectory) throws -> SQLiteCatalog {
        let catalog = try Fixture.open(dir)
        let base = try Fixture.registerBase(catalog, "llama")
        try Fixture.registerAdapter(catalog, "sql", baseID: base.id)
        let artifact = try Fixture.insertArtifact(catalog, "k")
        try catalog.setPinned(key: artifact.key, true)
        #expect(try catalog.events().count == 4)
        return catalog
    }

    /// Runs `sql` on a raw connection, as an attacker with write access to the file would.
    static func tamper(_ dir: TestDirectory, _ sql: String) throws {
        try Fixture.rawQueue(dir).write { try $0.execute(sql: sql) }
    }

    static func sha256Hex(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }

    @Test func chainIsIntactAfterManyWrites() throws {
        let catalog = try Fixture.open(TestDirectory())
        for i in 0..<20 {
            let base = try Fixture.registerBase(catalog, "b\(i)")
            try Fixture.registerAdapter(catalog, "a\(i)", baseID: base.id)
            try Fixture.insertArtifact(catalog, "k\(i)")
        }
        _ = try catalog.removeBase(name: "b3", cascade: true)
        _ = try catalog.acquireLease(name: "x", ttl: .seconds(1))
        let events = try catalog.events(limit: 1000)
        #expect(events.count == 62)
        #expect(events.map(\.seq) == Array(1...62))
        #expect(events.first?.prevHash == String(repeating: "0", count: 64))
        #expect(zip(events, events.dropFirst()).allSatisfy { $0.hash == $1.prevHash })
        #expect(try catalog.verifyChain() == [])
    }

    @Test func hashFollowsTheDocumentedFormula() throws {
        let dir = TestDirectory()
        let catalog = try Self.catalogWithFourEvents(dir)
        let storedAt = try Fixture.rawQueue(dir).read { try String.fetchAll($0, sql: "SELECT at FROM event ORDER BY seq") }
        var previous = String(repeating: "0", count: 64)
        for (event, at) in zip(try catalog.events(), storedAt) {
            let content = JSONWriter.canonical.bytes(
                .array([
                    .int(event.seq), .string(at), .string(event.actor), .string(event.kind), .string(event.subject),
                    event.detail,
                ]))
            #expect(event.prevHash == previous)
            #expect(event.hash == Self.sha256Hex(Array(previous.utf8) + content))
            previous = event.hash
        }
    }

    @Test func actorNamesUserHostAndPid() throws {
        let catalog = try Fixture.open(TestDirectory())
        let event = try catalog.recordEvent(EventDraft(kind: "test.note", subject: "s", detail: .object(["n": 1])))
        #expect(event.actor.hasSuffix(" pid \(getpid())"))
        #expect(event.actor.range(of: #"^[^@ ]+@[^ ]+ pid [0-9]+$"#, options: .regularExpression) != nil)
        #expect(try catalog.events().map(\.kind) == ["test.note"])
    }

    @Test func eventsPageBySeq() throws {
        let catalog = try Self.catalogWithFourEvents(TestDirectory())
        #expect(try catalog.events(after: 1, limit: 2).map(\.seq) == [2, 3])
        #expect(try catalog.events(after: 4).isEmpty)
    }

    @Test func anEditedRowIsFound() throws {
        let dir = TestDirectory()
        let catalog = try Self.catalogWithFourEvents(dir)
        try Self.tamper(dir, """
            DROP TRIGGER event_is_append_only_update;
            UPDATE event SET detail = '{"name":"forged"}' WHERE seq = 2;
            """)
        #expect(try catalog.verifyChain() == [ChainFinding(seq: 2, problem: .hashMismatch)])
    }

    @Test func anEditThatKeepsTheJSONValueIsStillFound() throws {
        let dir = TestDirectory()
        let catalog = try Self.catalogWithFourEvents(dir)
        try Self.tamper(dir, """
            DROP TRIGGER event_is_append_only_update;
            UPDATE event SET detail = ' ' || detail WHERE seq = 3;
            """)
        #expect(try catalog.verifyChain() == [ChainFinding(seq: 3, problem: .hashMismatch)])
    }

    @Test func aDeletedMiddleRowIsFound() throws {
        let dir = TestDirectory()
        let catalog = try Self.catalogWithFourEvents(dir)
        try Self.tamper(dir, "DROP TRIGGER event_is_append_only_delete; DELETE FROM event WHERE seq = 2;")
        #expect(try catalog.verifyChain() == [
            ChainFinding(seq: 3, problem: .seqGap(missing: 2...2)),
            ChainFinding(seq: 3, problem: .prevHashMismatch),
        ])
    }

    @Test func swappedRowsAreFound() throws {
        let dir = TestDirectory()
        let catalog = try Self.catalogWithFourEvents(dir)
        try Self.tamper(dir, """
            DROP TRIGGER event_is_append_only_update;
            UPDATE event SET seq = -seq WHERE seq IN (2, 3);
            UPDATE event SET seq = 5 + seq WHERE seq IN (-2, -3);
            """)
        let findings = try catalog.verifyChain()
        #expect(findings.contains(ChainFinding(seq: 2, problem: .hashMismatch)))
        #expect(findings.contains(ChainFinding(seq: 2, problem: .prevHashMismatch)))
        #expect(findings.contains(ChainFinding(seq: 3, problem: .hashMismatch)))
    }

    @Test func aTruncatedTailIsFoundAndStaysVisibleAfterNewEvents() throws {
        let dir = TestDirectory()
        let catalog = try Self.catalogWithFourEvents(dir)
        try Self.tamper(dir, "DROP TRIGGER event_is_append_only_delete; DELETE FROM event WHERE seq = 4;")
        #expect(try catalog.verifyChain() == [ChainFinding(seq: 3, problem: .truncated(lastWritten: 4))])
        try catalog.recordEvent(EventDraft(kind: "test.note", subject: "after", detail: .null))
        #expect(try catalog.verifyChain() == [ChainFinding(seq: 5, problem: .seqGap(missing: 4...4))])
    }

    @Test func findingsDescribeTheSeq() {
        #expect(ChainFinding(seq: 7, problem: .hashMismatch).description.hasPrefix("event 7:"))
        #expect(ChainFinding(seq: 9, problem: .seqGap(missing: 5...8)).description.contains("5–8"))
    }
}
