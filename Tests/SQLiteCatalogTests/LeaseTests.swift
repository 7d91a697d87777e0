import LoomCore
import SQLiteCatalog
import Foundation
import GRDB
import LoomJSON
import Testing

@Suite struct LeaseTests {
    /// Puts a lease held by another process on another host, as that process would.
    static func insertForeignLease(_ dir: TestDirectory, name: String, expiresAt: String) throws {
        try Fixture.rawQueue(dir).write { db in
            try db.execute(
                sql: "INSERT INTO lease (name, holder_pid, holder_host, acquired_at, expires_at) VALUES (?, 999999, 'elsewhere', '2026-11-29T14:00:00.000Z', ?)",
                arguments: [name, expiresAt])
        }
    }

    @Test func acquiringAFreeLeaseMakesThisProcessTheHolder() throws {
        let clock = FakeClock()
        let catalog = try Fixture.open(TestDirectory(), clock: clock)
        guard case .acquired(let lease) = try catalog.acquireLease(name: "build:k", ttl: .seconds(60)) else {
            Issue.record("lease not acquired")
            return
        }
        #expect(lease.isHeldByThisProcess)
        #expect(lease.holderPID == getpid())
        #expect(lease.acquiredAt == clock.now)
        #expect(sameTime(lease.expiresAt, clock.now.addingTimeInterval(60)))
        #expect(try catalog.leases() == [lease])
        #expect(try catalog.events().isEmpty)
    }

    @Test func aLiveLeaseIsHeldEvenAgainstItsOwnProcess() throws {
        let catalog = try Fixture.open(TestDirectory())
        _ = try catalog.acquireLease(name: "build:k", ttl: .seconds(60))
        guard case .held(let lease) = try catalog.acquireLease(name: "build:k", ttl: .seconds(60)) else {
            Issue.record("second acquire should see the lease held")
            return
        }
        #expect(lease.isHeldByThisProcess)
    }

    @Test func anExpiredLeaseIsTakenOverWithAnEvent() throws {
        let dir = TestDirectory()
        let clock = FakeClock()
        let catalog = try Fixture.open(dir, clock: clock)
        try Self.insertForeignLease(dir, name: "build:k", expiresAt: "2026-11-29T14:56:38.123Z")
        var asked = false
        let outcome = try catalog.acquireLease(name: "build:k", ttl: .seconds(60)) { _ in
            asked = true
            return false
        }
        guard case .acquired(let lease) = outcome else {
            Issue.record("expired lease not taken over")
            return
        }
        #expect(!asked)
        #expect(lease.isHeldByThisProcess)
        let event = try #require(try catalog.events().last)
        #expect(event.kind == "lease.takeover")
        #expect(event.subject == "build:k")
        #expect(event.detail["reason"] == "expired")
        #expect(event.detail["previous_holder"] == "pid 999999 on elsewhere")
    }

    @Test func aLiveLeaseWhoseHolderIsGoneIsTakenOverThroughTheClosure() throws {
        let dir = TestDirectory()
        let catalog = try Fixture.open(dir)
        try Self.insertForeignLease(dir, name: "build:k", expiresAt: "2027-01-01T00:00:00.000Z")
        var seen: LeaseRecord?
        let outcome = try catalog.acquireLease(name: "build:k", ttl: .seconds(60)) { record in
            seen = record
            return record.holderPID == 999999
        }
        guard case .acquired = outcome else {
            Issue.record("stale lease not taken over")
            return
        }
        #expect(seen?.holderHost == "elsewhere")
        #expect(try catalog.events().last?.detail["reason"] == "stale")
    }

    @Test func aLiveLeaseOfALiveHolderStaysHeld() throws {
        let dir = TestDirectory()
        let catalog = try Fixture.open(dir)
        try Self.insertForeignLease(dir, name: "build:k", expiresAt: "2027-01-01T00:00:00.000Z")
        let outcome = try catalog.acquireLease(name: "build:k", ttl: .seconds(60)) { _ in false }
        guard case .held(let lease) = outcome else {
            Issue.record("live lease was taken")
            return
        }
        #expect(lease.holderPID == 999999)
        #expect(!lease.isHeldByThisProcess)
        #expect(try catalog.events().isEmpty)
    }

    @Test func releaseByANonHolderChangesNothing() throws {
        let dir = TestDirectory()
        let catalog = try Fixture.open(dir)
        try Self.insertForeignLease(dir, name: "build:k", expiresAt: "2027-01-01T00:00:00.000Z")
        #expect(try !catalog.releaseLease(name: "build:k"))
        #expect(try catalog.leases().count == 1)
        let renew = #expect(throws: CatalogError.self) { try catalog.renewLease(name: "build:k", ttl: .seconds(5)) }
        #expect(renew?.kind == .conflict)
    }

    @Test func releaseIsIdempotent() throws {
        let catalog = try Fixture.open(TestDirectory())
        _ = try catalog.acquireLease(name: "build:k", ttl: .seconds(60))
        #expect(try catalog.releaseLease(name: "build:k"))
        #expect(try !catalog.releaseLease(name: "build:k"))
        #expect(try catalog.leases().isEmpty)
        guard case .acquired = try catalog.acquireLease(name: "build:k", ttl: .seconds(60)) else {
            Issue.record("released lease not free")
            return
        }
    }

    @Test func renewExtendsTheExpiry() throws {
        let clock = FakeClock()
        let catalog = try Fixture.open(TestDirectory(), clock: clock)
        _ = try catalog.acquireLease(name: "build:k", ttl: .seconds(60))
        clock.advance(by: 30)
        let renewed = try catalog.renewLease(name: "build:k", ttl: .seconds(60))
        #expect(sameTime(renewed.expiresAt, clock.now.addingTimeInterval(60)))
        let missing = #expect(throws: CatalogError.self) { try catalog.renewLease(name: "nope", ttl: .seconds(1)) }
        #expect(missing?.kind == .notFound)
    }
}
