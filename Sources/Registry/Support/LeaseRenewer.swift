import LoomCore
import Foundation

/// Keeps one lease alive while its holder works: renews it every ``interval`` on a thread of its own,
/// until ``stop()``.
///
/// Leases are short (``Registry/leaseTTL``) so that one whose holder died is taken over within seconds,
/// also from another host where the holder's pid cannot be checked; the renewals keep a live holder's
/// lease from expiring however long the work takes. A renewal that finds the lease taken over (the holder
/// was stopped past the expiry) stops renewing and records it in ``lost``; a busy catalog is retried at
/// the next tick. Renewals skip the catalog fault points (``CatalogStore/renewLease(name:ttl:background:)``).
///
/// Ownership: created by the lease's holder right after acquiring it and stopped before releasing it
/// (`defer` order: stop, then release). Thread-safe; ``stop()`` is idempotent and waits for a renewal
/// in flight, so none runs after it returns.
final class LeaseRenewer: @unchecked Sendable {
    /// The time between renewals.
    let interval: Duration
    private let catalog: any CatalogStore
    private let name: String
    private let ttl: Duration
    private let condition = NSCondition()
    private var stopping = false
    private var running = true
    private var lostTo: String?

    /// Starts renewing the lease `name`, held by this process, to now + `ttl` every `interval`.
    init(catalog: any CatalogStore, name: String, ttl: Duration, every interval: Duration) {
        self.catalog = catalog
        self.name = name
        self.ttl = ttl
        self.interval = interval
        let thread = Thread { [self] in run() }
        thread.name = "loom.lease-renewer"
        thread.start()
    }

    /// Why the lease was lost (taken over or deleted while renewing), or nil while it is held.
    var lost: String? {
        condition.lock()
        defer { condition.unlock() }
        return lostTo
    }

    /// Stops renewing and waits for a renewal in flight to finish. Idempotent.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func run() {
        condition.lock()
        defer {
            running = false
            condition.broadcast()
            condition.unlock()
        }
        while !stopping {
            _ = condition.wait(until: Date().addingTimeInterval(interval.timeInterval))
            guard !stopping else { return }
            // The renewal runs with the lock released, so `lost` readers are not held up by the catalog.
            condition.unlock()
            let outcome = renew()
            condition.lock()
            if let outcome {
                lostTo = outcome
                return
            }
        }
    }

    /// One renewal; the reason the lease is lost, or nil (renewed, or to be retried).
    private func renew() -> String? {
        do {
            try catalog.renewLease(name: name, ttl: ttl, background: true)
            return nil
        } catch let error as CatalogError where error.kind == .conflict || error.kind == .notFound {
            return error.message
        } catch {
            return nil
        }
    }
}

extension Duration {
    /// Seconds, with the fraction.
    fileprivate var timeInterval: TimeInterval {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }
}
