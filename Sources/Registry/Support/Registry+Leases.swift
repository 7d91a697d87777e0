import LoomCore
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
    func renewing(_ name: String, catalog: any CatalogStore, ttl: Duration = leaseTTL) -> LeaseRenewer {
        LeaseRenewer(catalog: catalog, name: name, ttl: ttl, every: Self.leaseRenewal)
    }

    /// Runs `body` (which ingests blobs and commits rows referencing them) under a lease of its own.
    ///
    /// gc deletes blobs only while no live lease exists, checked under the catalog's write lock, so a
    /// blob that `body` found already present cannot vanish before `body` commits the row that
    /// references it. The lease is renewed while `body` runs and released on every exit path; a crash
    /// leaves it to expire (or to be found dead sooner where the catalog can tell, ``CatalogStore/leaseHolderIsGone(_:)``),
    /// which gc and `verify` report.
    func withIngestLease<T>(_ body: () throws(RegistryError) -> T) throws(RegistryError) -> T {
        let catalog = try writableCatalog()
        let name = "ingest:\(Registry.hostName):\(getpid()):\(UInt64.random(in: 0...UInt64.max))"
        do {
            _ = try catalog.acquireLease(name: name, ttl: Self.ingestLeaseTTL)
        } catch {
            throw RegistryError(error)
        }
        defer { _ = try? catalog.releaseLease(name: name) }
        let renewer = renewing(name, catalog: catalog)
        defer { renewer.stop() }
        return try body()
    }
}
