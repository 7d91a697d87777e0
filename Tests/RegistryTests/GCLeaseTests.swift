import LoomCore
import SQLiteCatalog
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Registry

/// Leases and the sweep: a live lease stops blob deletion, a dead one is removed and does not.
@Suite struct GCLeaseTests {
    static let hour = GCStore.hour

    @Test func whileALiveLeaseExistsNoBlobIsDeleted() throws {
        let store = try GCStore()
        let old = try store.looseBlob("old", age: 2 * Self.hour)
        let ingest = try store.ingestFile(GCStore.abandonedIngestName(), bytes: 10, age: 2 * Self.hour)
        let orphan = try store.orphanDirectory("orphan", age: 2 * Self.hour)
        // An ingest in progress in this very process (alive): its holder is not gone.
        _ = try store.catalog().acquireLease(name: "ingest:test", ttl: .seconds(600))
        let plan = try store.gc(dryRun: true)
        let result = try store.gc()
        let skip = GCPlan.Skip.liveLease("ingest:test", holder: "pid \(getpid()) on \(Registry.hostName)")
        #expect(result.skipped == [skip] && plan.skipped == [skip])
        #expect(result.isEmpty && plan.isEmpty)
        #expect(store.hasBlob(old) && store.exists(ingest) && store.exists(orphan))

        #expect(try store.catalog().releaseLease(name: "ingest:test"))
        let after = try store.gc()
        #expect(after.blobs.map(\.digest) == [old] && after.ingest.map(\.path) == [ingest])
        #expect(after.directories.map(\.path) == [orphan])
        #expect(!store.hasBlob(old) && !store.exists(ingest) && !store.exists(orphan))
    }

    @Test func aLeaseOnAnotherHostIsLiveUntilItExpires() throws {
        let store = try GCStore()
        let old = try store.looseBlob("old", age: 2 * Self.hour)
        try store.plantLease("ingest:elsewhere:1:1", pid: 999_999, host: "elsewhere.invalid", expiresIn: 600)
        #expect(try store.gc().skipped.map(\.subject) == ["ingest:elsewhere:1:1"])
        #expect(store.hasBlob(old))
        store.clock.advance(by: 601)
        let result = try store.gc()
        #expect(result.leases.map(\.reason) == ["expired"] && result.blobs.map(\.digest) == [old])
    }

    @Test func deadLeasesAreRemovedAndDoNotBlock() throws {
        let store = try GCStore()
        let old = try store.looseBlob("old", age: 2 * Self.hour)
        let gone = try GCStore.deadPID()
        try store.plantLease("ingest:\(Registry.hostName):\(gone):7", pid: gone)
        try store.plantLease("build:sha256:" + String(repeating: "ab", count: 32), pid: getpid(), expiresIn: -60)
        let plan = try store.gc(dryRun: true)
        let result = try store.gc()
        #expect(result.leases.map(\.reason) == ["expired", "holder gone"])
        #expect(result.leases == plan.leases && result.skipped.isEmpty)
        #expect(result.leases.last?.holder == "pid \(gone) on \(Registry.hostName)")
        #expect(result.blobs.map(\.digest) == [old] && !store.hasBlob(old))
        #expect(try store.catalog().leases().isEmpty)
        let expiries = try store.catalog().events(after: 0, limit: 1000).filter { $0.kind == "lease.expire" }
        #expect(expiries.map(\.subject) == result.leases.map(\.name))
    }

    @Test func aLeaseTakenAfterThePlanStopsTheSweep() throws {
        let store = try GCStore()
        let artifact = try store.build([("llama-qv", 1)], dtype: .f32)
        let old = try store.looseBlob("old", age: 2 * Self.hour)
        let plan = try store.gc(dryRun: true, maxSize: 0)
        #expect(plan.blobs.contains { $0.digest == old })
        // The same plan carried out after an ingest started: the re-check under the lock finds the lease.
        _ = try store.catalog().acquireLease(name: "ingest:late", ttl: .seconds(600))
        let result = try store.gc(maxSize: 0)
        #expect(result.artifacts.map(\.key) == [artifact.key])
        #expect(result.blobs.isEmpty && store.hasBlob(old))
        #expect(try store.everyArtifactIsComplete())
    }
}
