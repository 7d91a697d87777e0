import Catalog
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Registry {
    /// How long a registration's lease lasts; a crashed holder's lease is taken as dead once its pid is gone.
    static let ingestLeaseTTL: Duration = .seconds(6 * 3600)

    /// Runs `body` (which ingests blobs and commits rows referencing them) under a lease of its own.
    ///
    /// gc deletes blobs only while no live lease exists, checked under the catalog's write lock, so a
    /// blob that `body` found already present cannot vanish before `body` commits the row that
    /// references it. The lease is released on every exit path; a crash leaves it to expire (its pid is
    /// gone), which gc and `verify` report as dead.
    func withIngestLease<T>(_ body: () throws(RegistryError) -> T) throws(RegistryError) -> T {
        let catalog = try writableCatalog()
        let name = "ingest:\(Registry.hostName):\(getpid()):\(UInt64.random(in: 0...UInt64.max))"
        do {
            _ = try catalog.acquireLease(name: name, ttl: Self.ingestLeaseTTL, isStale: Self.holderIsGone)
        } catch {
            throw RegistryError(error)
        }
        defer { _ = try? catalog.releaseLease(name: name) }
        return try body()
    }
}
