import Catalog
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Registry {
    /// How long a lease lasts without renewal. Short, so that the lease of a holder that died is taken
    /// over within seconds even from another host; a live holder renews it (``LeaseRenewer``).
    static let leaseTTL: Duration = .seconds(30)
    /// How often a holder renews its lease: several renewals fit in ``leaseTTL``, so a busy catalog or a
    /// slow moment does not let a live holder's lease run out.
    static let leaseRenewal: Duration = .seconds(5)
    /// How long a registration's lease lasts without renewal.
    static let ingestLeaseTTL: Duration = leaseTTL

    /// Starts renewing the lease `name`, just taken by this process; the caller stops it before releasing.
    func renewing(_ name: String, catalog: Catalog, ttl: Duration = leaseTTL) -> LeaseRenewer {
        LeaseRenewer(catalog: catalog, name: name, ttl: ttl, every: Self.leaseRenewal)
    }

    /// True when a lease's holder cannot be running any more, on this host: its pid no longer exists, or
    /// a process with that pid started at another time than the holder did (the pid was reused). A holder
    /// on another host is never judged here: its lease runs out by expiry.
    static func leaseHolderIsGone(_ lease: LeaseRecord) -> Bool {
        guard lease.holderHost == Registry.hostName else { return false }
        if kill(pid_t(lease.holderPID), 0) != 0 && errno == ESRCH { return true }
        guard let recorded = lease.holderStartTime, let actual = ProcessStartTime.of(lease.holderPID) else { return false }
        return actual != recorded
    }

    /// Runs `body` (which ingests blobs and commits rows referencing them) under a lease of its own.
    ///
    /// gc deletes blobs only while no live lease exists, checked under the catalog's write lock, so a
    /// blob that `body` found already present cannot vanish before `body` commits the row that
    /// references it. The lease is renewed while `body` runs and released on every exit path; a crash
    /// leaves it to expire, or to be found dead at once on this host (its pid is gone or reused), which gc
    /// and `verify` report.
    func withIngestLease<T>(_ body: () throws(RegistryError) -> T) throws(RegistryError) -> T {
        let catalog = try writableCatalog()
        let name = "ingest:\(Registry.hostName):\(getpid()):\(UInt64.random(in: 0...UInt64.max))"
        do {
            _ = try catalog.acquireLease(name: name, ttl: Self.ingestLeaseTTL, isStale: Self.holderIsGone)
        } catch {
            throw RegistryError(error)
        }
        defer { _ = try? catalog.releaseLease(name: name) }
        let renewer = renewing(name, catalog: catalog)
        defer { renewer.stop() }
        return try body()
    }
}
