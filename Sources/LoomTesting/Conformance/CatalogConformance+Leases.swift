package import Foundation
package import LoomCore

/// Leases are time-based: they last until their expiry, a renewal moves it, an expired lease is taken
/// over, and a released one is free at once.
extension CatalogConformance {
    /// A live lease is held; once its time has run out it is taken over, with a `lease.takeover` event.
    package static func leaseExpiryAndTakeover(_ make: Factory) throws {
        let clock = TestClock()
        let catalog = try make(clock.function)
        guard case .acquired(let first) = try catalog.acquireLease(name: "build:k", ttl: .seconds(30)) else {
            throw ConformanceFailure(description: "leaseExpiryAndTakeover: a free lease was not acquired")
        }
        try ConformanceFailure.check(
            abs(first.expiresAt.timeIntervalSince(clock.now) - 30) < 0.01, "expiry \(first.expiresAt) is not now + 30 s")
        clock.advance(by: 29)
        guard case .held = try catalog.acquireLease(name: "build:k", ttl: .seconds(30)) else {
            throw ConformanceFailure(description: "leaseExpiryAndTakeover: a live lease was acquired twice")
        }
        clock.advance(by: 2)
        guard case .acquired(let taken) = try catalog.acquireLease(name: "build:k", ttl: .seconds(30)) else {
            throw ConformanceFailure(description: "leaseExpiryAndTakeover: an expired lease was not taken over")
        }
        try ConformanceFailure.check(taken.expiresAt > first.expiresAt, "the takeover did not move the expiry")
        let takeovers = try catalog.events(after: 0, limit: 1000).filter { $0.kind == "lease.takeover" && $0.subject == "build:k" }
        try ConformanceFailure.check(takeovers.count == 1, "\(takeovers.count) lease.takeover events, expected 1")
    }

    /// A renewed lease outlives its first expiry.
    package static func leaseRenewalKeepsIt(_ make: Factory) throws {
        let clock = TestClock()
        let catalog = try make(clock.function)
        _ = try catalog.acquireLease(name: "build:r", ttl: .seconds(30))
        clock.advance(by: 20)
        let renewed = try catalog.renewLease(name: "build:r", ttl: .seconds(30), background: true)
        try ConformanceFailure.check(
            abs(renewed.expiresAt.timeIntervalSince(clock.now) - 30) < 0.01, "renewal set expiry \(renewed.expiresAt), not now + 30 s")
        clock.advance(by: 20)  // 40 s after the acquisition: past the first expiry, within the renewed one
        guard case .held = try catalog.acquireLease(name: "build:r", ttl: .seconds(30)) else {
            throw ConformanceFailure(description: "leaseRenewalKeepsIt: a renewed lease was taken over at its first expiry")
        }
        clock.advance(by: 11)
        do {
            _ = try catalog.renewLease(name: "build:gone", ttl: .seconds(30), background: true)
            throw ConformanceFailure(description: "leaseRenewalKeepsIt: renewing a lease that does not exist succeeded")
        } catch let error as CatalogError {
            try ConformanceFailure.check(error.kind == .notFound, "renewing a missing lease threw \(error.kind), not notFound")
        }
    }

    /// Release frees a lease at once and is idempotent.
    package static func leaseRelease(_ make: Factory) throws {
        let catalog = try make(Date.init)
        _ = try catalog.acquireLease(name: "ingest:x", ttl: .seconds(600))
        try ConformanceFailure.check(try catalog.releaseLease(name: "ingest:x"), "releasing a held lease reported none")
        try ConformanceFailure.check(try !catalog.releaseLease(name: "ingest:x"), "releasing twice reported a release")
        try ConformanceFailure.check(try catalog.snapshot { try $0.lease(name: "ingest:x") } == nil, "a released lease is still there")
        guard case .acquired = try catalog.acquireLease(name: "ingest:x", ttl: .seconds(600)) else {
            throw ConformanceFailure(description: "leaseRelease: a released lease could not be taken again")
        }
    }
}
