import BlobStore
import LoomCore
import Foundation
import Logging
import LoomFaults

extension Registry {
    /// How many artifacts one eviction transaction re-checks and deletes (bounds how long the write lock is held).
    static let evictionBatch = 256

    /// Collects garbage (docs/architecture.md "gc"): evicts artifacts beyond `options.maxSize`, least recently used
    /// first, and deletes what nothing references; or, with `options.dryRun`, only says what it would do.
    ///
    /// The plan comes from one catalog snapshot and one listing of the store (``GarbageCollector`` says
    /// what is kept and why). A real run carries it out item by item, re-checking each under the catalog's
    /// write lock: artifact rows first (each still unpinned, unleased and unused since the plan), then their
    /// `artifacts/<hex>/` directories, then, in one transaction during which no lease is live, blobs (each
    /// still unreferenced), ingest files and stray directories. Dead leases are deleted on the way. What
    /// fails a re-check is left alone and listed in ``GCPlan/skipped``.
    ///
    /// A store without a catalog yields an empty plan and is not created. A store whose blobs the catalog
    /// cannot account for (``lostCatalogProblem(_:)``: a catalog copied without its `-wal`) is refused,
    /// dry run included, and nothing is deleted. Safe to call from several threads
    /// and processes at once, beside builds and registrations (each re-check runs under the write lock).
    ///
    /// - Warning: without `dryRun`, deletes artifacts, blobs and files; `maxSize: 0` evicts every
    ///   unrooted artifact (they can be rebuilt).
    /// - Returns: the plan for a dry run; otherwise what was actually done, in the plan's shape, so that a
    ///   dry run followed by a real run with nothing changed in between returns equal items.
    /// - Throws: ``RegistryError`` `.conflict` for a lost catalog (above); `.io` when the store cannot be listed or the catalog read or written;
    ///   items done before the failure stay done (the store stays consistent: rows go before bytes).
    package func collectGarbage(_ options: GCOptions) throws(RegistryError) -> GCPlan {
        let existing = try existingCatalog()
        if let problem = try lostCatalogProblem(existing) {
            throw .conflict("gc refused, nothing was deleted: \(problem)")
        }
        guard let catalog = existing else { return GCPlan(dryRun: options.dryRun) }
        let plan = try planGarbage(options, catalog: catalog)
        logger.debug(
            "gc plan",
            metadata: [
                "gc.artifacts": "\(plan.artifacts.count)", "gc.blobs": "\(plan.blobs.count)",
                "gc.bytes": "\(plan.bytesFreed)", "gc.dry_run": "\(options.dryRun)",
            ])
        if options.dryRun { return plan }
        return try carryOut(plan, catalog: catalog)
    }

    /// Gathers the planner's inputs (the store listing, then one catalog snapshot) and plans.
    func planGarbage(_ options: GCOptions, catalog: any CatalogStore) throws(RegistryError) -> GCPlan {
        let now = options.now ?? clock()
        let grace = Double(options.grace.components.seconds) + Double(options.grace.components.attoseconds) * 1e-18
        var collector = GarbageCollector(now: now, grace: grace, maxSize: options.maxSize)
        do {
            // Listed before the snapshot: every artifact directory seen here was materialized after its row
            // was committed, so the snapshot has that row unless it was deleted.
            collector.blobs = try blobs.allBlobs().map { .init(digest: $0.digest.description, size: $0.size, modified: $0.modified) }
            collector.ingestFiles = try ingestEntries()
            collector.artifactEntries = try artifactEntries()
            try catalog.snapshot { snapshot in
                let held = Set(try snapshot.holds().filter { $0.isLive(at: now) }.map(\.key))
                collector.artifacts = try snapshot.artifactUsage().map {
                    .init(
                        key: $0.key, size: $0.totalSize, lastUsedAt: $0.lastUsedAt, pinned: $0.pinned, digests: $0.digests,
                        held: held.contains($0.key))
                }
                collector.registeredDigests = try snapshot.registeredBlobDigests()
                collector.leases = try snapshot.leases().map { lease in
                    .init(
                        name: lease.name, holder: Self.holder(of: lease), expiresAt: lease.expiresAt,
                        deadReason: lease.isExpired(at: now) ? "expired" : catalog.leaseHolderIsGone(lease) ? "holder gone" : nil)
                }
            }
        } catch {
            throw RegistryError(error)
        }
        return collector.plan(dryRun: options.dryRun)
    }

    /// Carries `plan` out with the re-checks; returns what was done.
    private func carryOut(_ plan: GCPlan, catalog: any CatalogStore) throws(RegistryError) -> GCPlan {
        var done = GCPlan(dryRun: false)
        done.skipped = plan.skipped
        let evicted = try evict(plan.artifacts, catalog: catalog, into: &done)
        Fault.point("gc.after-evict")
        let materializer = Materializer(registry: self)
        for directory in plan.directories where directory.kind == .evicted {
            let name = GarbageCollector.Entry(path: directory.path, size: 0, modified: .distantPast).name
            guard let key = Digest(hex: name), evicted.contains(key.description) else { continue }
            if materializer.remove(key, unless: { (try? catalog.artifact(key: key.description)) != nil }) {
                done.directories.append(directory)
            } else {
                done.skipped.append(.init(subject: directory.path, reason: "directory kept: its artifact was built again"))
            }
        }
        Fault.point("gc.before-sweep")
        try sweep(plan, catalog: catalog, into: &done)
        done.directories.sort { $0.path < $1.path }
        logger.info(
            "gc done",
            metadata: [
                "gc.artifacts": "\(done.artifacts.count)", "gc.blobs": "\(done.blobs.count)", "gc.bytes": "\(done.bytesFreed)",
                "gc.skipped": "\(done.skipped.count)",
            ])
        return done
    }

    /// Evicts the planned artifacts in batches, each re-checked under the write lock; returns the keys evicted.
    private func evict(_ artifacts: [GCPlan.Artifact], catalog: any CatalogStore, into done: inout GCPlan) throws(RegistryError)
        -> Set<String>
    {
        var evicted = Set<String>()
        var start = 0
        while start < artifacts.count {
            let batch = artifacts[start..<min(start + Self.evictionBatch, artifacts.count)]
            start += batch.count
            let outcomes: [EvictionOutcome]
            do {
                outcomes = try catalog.evictArtifacts(
                    batch.map { Eviction(key: $0.key, notUsedSince: $0.lastUsedAt, reason: $0.reason) })
            } catch {
                throw RegistryError(error)
            }
            for (item, outcome) in zip(batch, outcomes) {
                switch outcome {
                case .evicted:
                    done.artifacts.append(item)
                    evicted.insert(item.key)
                case .kept(_, let reason):
                    done.skipped.append(.init(subject: item.key, reason: "artifact kept: \(reason)"))
                }
            }
        }
        return evicted
    }

    /// `pid N on HOST`.
    static func holder(of lease: LeaseRecord) -> String { "pid \(lease.holderPID) on \(lease.holderHost)" }
}
