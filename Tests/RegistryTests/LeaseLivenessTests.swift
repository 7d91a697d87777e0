import LoomCore
import SQLiteCatalog
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Registry

/// Leases name their holder by pid and start time, last seconds, and are renewed while their holder works
/// (issue 9, item 7): a reused pid does not keep a dead holder's lease alive.
@Suite struct LeaseLivenessTests {
    /// Plants a lease held by `pid` on this host with the start time `start`, as that process would have.
    static func plant(_ store: GCStore, _ name: String, pid: Int32, start: Int64?, expiresIn: TimeInterval = 3600) throws {
        let now = store.clock.now
        try DatabaseQueue(path: store.registry.catalogPath).write { db in
            try db.execute(
                sql: "INSERT INTO lease (name, holder_pid, holder_host, holder_start, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [name, pid, Registry.hostName, start, Timestamps.iso(now), Timestamps.iso(now.addingTimeInterval(expiresIn))])
        }
    }

    @Test func theStartTimeIsReadFromProcStat() throws {
        let mine = try #require(ProcessStartTime.of(getpid()))
        #expect(mine > 0 && ProcessStartTime.of(getpid()) == mine)
        // The command name may hold spaces and parentheses: fields are counted after the last ')'.
        let line = "4242 (a) b (c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200"
        #expect(ProcessStartTime.parse(Data(line.utf8)) == 987_654)
        #expect(ProcessStartTime.parse(Data("4242 (x) S 1 2".utf8)) == nil)
    }

    @Test func aLeaseRecordsItsHoldersStartTime() throws {
        let store = try GCStore()
        guard case .acquired(let lease) = try store.catalog().acquireLease(name: "build:k", ttl: .seconds(30)) else {
            Issue.record("not acquired")
            return
        }
        #expect(lease.holderStartTime == ProcessStartTime.of(getpid()))
        #expect(!LeaseHolderLiveness.isGone(lease))
    }

    /// The pid is alive (this very test process) but started at another time: the holder is gone, and
    /// the lease is taken over at once instead of when it expires.
    @Test func aLeaseWhosePidWasReusedIsDeadAndTakenOver() throws {
        let store = try GCStore()
        let actual = try #require(ProcessStartTime.of(getpid()))
        try Self.plant(store, "build:reused", pid: getpid(), start: actual - 1)
        try Self.plant(store, "build:same", pid: getpid(), start: actual)
        try Self.plant(store, "build:unknown", pid: getpid(), start: nil)
        let leases = Dictionary(uniqueKeysWithValues: try store.catalog().leases().map { ($0.name, $0) })
        #expect(try LeaseHolderLiveness.isGone(#require(leases["build:reused"])))
        #expect(try !LeaseHolderLiveness.isGone(#require(leases["build:same"])))
        #expect(try !LeaseHolderLiveness.isGone(#require(leases["build:unknown"])))

        let outcome = try store.catalog().acquireLease(name: "build:reused", ttl: .seconds(30), isStale: LeaseHolderLiveness.isGone)
        guard case .acquired = outcome else {
            Issue.record("a lease whose pid was reused was not taken over: \(outcome)")
            return
        }
        #expect(try store.catalog().events().last?.kind == "lease.takeover")
        #expect(try store.gc(dryRun: true).leases.isEmpty)
    }

    @Test func leasesAreShortAndRenewedEveryFewSeconds() {
        #expect(Registry.buildLeaseTTL == .seconds(30) && Registry.ingestLeaseTTL == .seconds(30))
        #expect(Registry.leaseRenewal * 4 <= Registry.leaseTTL)
    }

    /// The renewer moves the expiry forward while it runs and stops when told, before the lease is released.
    @Test func theRenewerKeepsTheLeaseAliveUntilStopped() throws {
        let harness = try RegistryHarness()
        let catalog = try harness.registry.writableCatalog()
        guard case .acquired(let first) = try catalog.acquireLease(name: "build:r", ttl: .seconds(2)) else {
            Issue.record("not acquired")
            return
        }
        let renewer = LeaseRenewer(catalog: catalog, name: "build:r", ttl: .seconds(2), every: .milliseconds(100))
        Thread.sleep(forTimeInterval: 0.6)
        renewer.stop()
        let renewed = try #require(try catalog.leases().first)
        #expect(renewed.expiresAt > first.expiresAt.addingTimeInterval(0.3), "\(renewed.expiresAt) vs \(first.expiresAt)")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(try catalog.leases().first?.expiresAt == renewed.expiresAt, "renewed after stop()")
        #expect(renewer.lost == nil)
        renewer.stop()

        // Taken over meanwhile (the holder stalled past the expiry): the renewer says so and stops.
        let other = LeaseRenewer(catalog: catalog, name: "build:gone", ttl: .seconds(2), every: .milliseconds(50))
        Thread.sleep(forTimeInterval: 0.3)
        #expect(other.lost?.contains("not found") == true)
        other.stop()
    }
}
