package import Foundation
internal import LoomCore

/// The pure gc planner: from plain values describing the catalog and the store, decides what goes and why.
///
/// No I/O: `Registry+GC.swift` gathers the inputs from one catalog snapshot and one listing of the
/// store, and carries the plan out. The same inputs give the same plan.
///
/// Roots (kept): every blob a base or adapter references (``registeredDigests``); every pinned artifact,
/// every artifact with a live hold (``Artifact/held``) and every artifact under a live `build:<key>` lease; with a budget (``maxSize``), the most recently
/// used other artifacts while the running total of `total_size`, rooted artifacts counted first, fits.
/// Every other artifact is evicted, least recently used first (once one does not fit, every artifact used
/// less recently goes too: eviction is strictly LRU). Without a budget no artifact is evicted.
///
/// Blobs nothing kept references go: at once when an artifact evicted in this run referenced them,
/// else only when older than ``grace`` (an ingest may have written one and not yet committed its row).
/// Entries of `ingest/` named as loom names them (``isLoomIngestName(_:)``; others are left alone and
/// listed in ``GCPlan/skipped``) go at once when the process named in them is gone (``Entry/writerGone``: a
/// writer holds a lease while it writes, and none is live when anything is swept), else, unless that
/// process runs, when older than ``grace``; `artifacts/<hex>` directories without a catalog row and
/// `.tmp-*`/`.trash-*` leftovers go when older than ``grace``; directories of evicted
/// artifacts go at once. While any lease is live, none of blobs, ingest entries and stray directories
/// are swept (a writer may be between ingest and commit): the plan says so in ``GCPlan/skipped``.
/// Dead leases are listed for removal.
///
/// ## Topics
/// - Inputs: ``Artifact``, ``Blob``, ``Entry``, ``Lease``
/// - Planning: ``plan(dryRun:)``
package struct GarbageCollector: Sendable {
    /// One artifact row.
    package struct Artifact: Sendable, Equatable {
        /// `sha256:…`.
        package var key: String
        /// `total_size`.
        package var size: Int64
        /// `last_used_at`.
        package var lastUsedAt: Date
        /// Pinned artifacts are roots.
        package var pinned: Bool
        /// The digests of its files.
        package var digests: [String]
        /// Artifacts with a live hold (`loom hold`) are roots too.
        package var held: Bool

        /// An artifact; see each property.
        package init(key: String, size: Int64, lastUsedAt: Date, pinned: Bool, digests: [String], held: Bool = false) {
            self.key = key
            self.size = size
            self.lastUsedAt = lastUsedAt
            self.pinned = pinned
            self.digests = digests
            self.held = held
        }
    }

    /// One blob file in the store.
    package struct Blob: Sendable, Equatable {
        /// `sha256:…`.
        package var digest: String
        /// Bytes.
        package var size: Int64
        /// The file's modification time (its commit).
        package var modified: Date

        /// A blob; see each property.
        package init(digest: String, size: Int64, modified: Date) {
            self.digest = digest
            self.size = size
            self.modified = modified
        }
    }

    /// A file in `ingest/` or an entry of `artifacts/`.
    package struct Entry: Sendable, Equatable {
        /// Absolute path.
        package var path: String
        /// Bytes (0 for directories).
        package var size: Int64
        /// Modification time.
        package var modified: Date
        /// True when the process that wrote it (named in it, `<pid>-….part`) still runs: never garbage.
        package var inUse: Bool
        /// True when the process named in it (`<pid>-….part`, `rebuild-<pid>-…`) is known not to run on this
        /// host: its writer was interrupted or killed, so the entry is garbage at once, without grace.
        package var writerGone: Bool

        /// The last path component.
        package var name: String { path.split(separator: "/").last.map(String.init) ?? path }

        /// An entry; see each property.
        package init(path: String, size: Int64, modified: Date, inUse: Bool = false, writerGone: Bool = false) {
            self.path = path
            self.size = size
            self.modified = modified
            self.inUse = inUse
            self.writerGone = writerGone && !inUse
        }
    }

    /// One lease row, with the caller's verdict on whether it is dead.
    package struct Lease: Sendable, Equatable {
        /// `build:sha256:…`, `ingest:…`.
        package var name: String
        /// `pid N on HOST`.
        package var holder: String
        /// When it runs out.
        package var expiresAt: Date
        /// `expired` or `holder gone` for a dead lease; nil for a live one.
        package var deadReason: String?

        /// A lease; see each property.
        package init(name: String, holder: String, expiresAt: Date, deadReason: String?) {
            self.name = name
            self.holder = holder
            self.expiresAt = expiresAt
            self.deadReason = deadReason
        }
    }

    /// Every artifact row.
    package var artifacts: [Artifact] = []
    /// Every digest a base or adapter file references.
    package var registeredDigests: Set<String> = []
    /// Every blob file in the store.
    package var blobs: [Blob] = []
    /// Every file in `ingest/`.
    package var ingestFiles: [Entry] = []
    /// Every entry of `artifacts/` (materialized artifacts and temporary entries).
    package var artifactEntries: [Entry] = []
    /// Every lease row.
    package var leases: [Lease] = []
    /// The time ages are measured from.
    package var now: Date
    /// How old an unreferenced blob, ingest file or stray directory must be to go.
    package var grace: TimeInterval
    /// The budget for the artifacts kept, in bytes; nil keeps every artifact.
    package var maxSize: Int64?

    /// A planner with no inputs yet.
    package init(now: Date, grace: TimeInterval, maxSize: Int64?) {
        self.now = now
        self.grace = grace
        self.maxSize = maxSize
    }

    /// The plan; deterministic, pure, linear in the inputs apart from sorting.
    package func plan(dryRun: Bool) -> GCPlan {
        var plan = GCPlan(dryRun: dryRun)
        let liveLeases = leases.filter { $0.deadReason == nil }.sorted { $0.name < $1.name }
        let evicted = evictions(&plan, liveLeaseNames: Set(liveLeases.map(\.name)))
        plan.artifacts = evicted.map { .init(key: $0.key, size: $0.size, lastUsedAt: $0.lastUsedAt, reason: GCPlan.Reason.overBudget) }
        plan.leases = leases.compactMap { lease in
            lease.deadReason.map { .init(name: lease.name, holder: lease.holder, expiresAt: lease.expiresAt, reason: $0) }
        }.sorted { $0.name < $1.name }

        let evictedKeys = Set(evicted.map(\.key))
        let entriesByName = Dictionary(artifactEntries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for artifact in evicted {
            if let entry = entriesByName[Self.hex(artifact.key)] {
                plan.directories.append(.init(path: entry.path, kind: .evicted, reason: GCPlan.Reason.evictedDirectory))
            }
        }
        // Only names loom gives are ever deleted: `ingest/` may be a directory someone else uses too
        // (a store opened at the wrong path), and a file we did not write is not ours to collect.
        for file in ingestFiles.sorted(by: { $0.path < $1.path }) where !Self.isLoomIngestName(file.name) {
            plan.skipped.append(.foreignIngest(file.path))
        }
        guard liveLeases.isEmpty else {
            plan.skipped += liveLeases.map { GCPlan.Skip.liveLease($0.name, holder: $0.holder) }
            plan.directories.sort { $0.path < $1.path }
            return plan
        }

        let cutoff = now.addingTimeInterval(-grace)
        var kept = registeredDigests
        for artifact in artifacts where !evictedKeys.contains(artifact.key) { kept.formUnion(artifact.digests) }
        var freedBy: [String: String] = [:]
        for artifact in evicted {
            for digest in artifact.digests where freedBy[digest] == nil { freedBy[digest] = artifact.key }
        }
        for blob in blobs.sorted(by: { $0.digest < $1.digest }) where !kept.contains(blob.digest) {
            if let key = freedBy[blob.digest] {
                plan.blobs.append(.init(digest: blob.digest, size: blob.size, reason: GCPlan.Reason.freed(by: key)))
            } else if blob.modified < cutoff {
                plan.blobs.append(.init(digest: blob.digest, size: blob.size, reason: GCPlan.Reason.unreferenced))
            }
        }
        for file in ingestFiles.sorted(by: { $0.path < $1.path })
        where (file.writerGone || file.modified < cutoff) && !file.inUse && Self.isLoomIngestName(file.name) {
            let reason = file.writerGone ? GCPlan.Reason.deadWriterIngest : GCPlan.Reason.staleIngest
            plan.ingest.append(.init(path: file.path, size: file.size, modifiedAt: file.modified, reason: reason))
        }
        let allKeys = Set(artifacts.map(\.key))
        for entry in artifactEntries where entry.modified < cutoff {
            if Self.isKeyHex(entry.name), !allKeys.contains(Digest.text(hexPrefix: entry.name)) {
                plan.directories.append(.init(path: entry.path, kind: .orphan, reason: GCPlan.Reason.orphanDirectory))
            } else if entry.name.hasPrefix(".tmp-") || entry.name.hasPrefix(".trash-") {
                plan.directories.append(.init(path: entry.path, kind: .leftover, reason: GCPlan.Reason.leftoverDirectory))
            }
        }
        plan.directories.sort { $0.path < $1.path }
        return plan
    }

    /// The artifacts to evict, least recently used first; notes in `plan` when the roots alone exceed the budget.
    private func evictions(_ plan: inout GCPlan, liveLeaseNames: Set<String>) -> [Artifact] {
        guard let budget = maxSize else { return [] }
        var total: Int64 = 0
        var candidates: [Artifact] = []
        for artifact in artifacts {
            if artifact.pinned || artifact.held || liveLeaseNames.contains("build:" + artifact.key) {
                total += artifact.size
            } else {
                candidates.append(artifact)
            }
        }
        if total > budget {
            plan.skipped.append(
                .init(subject: "budget", reason: "pinned, held and leased artifacts alone take \(total) bytes, over the budget of \(budget)"))
        }
        // Most recently used first; the key breaks ties so the plan does not depend on input order.
        candidates.sort { ($0.lastUsedAt, $1.key) > ($1.lastUsedAt, $0.key) }
        var fits = true
        var evicted: [Artifact] = []
        for artifact in candidates {
            if fits, total <= budget, artifact.size <= budget - total {
                total += artifact.size
            } else {
                fits = false
                evicted.append(artifact)
            }
        }
        return evicted.reversed()
    }

    /// Whether `name` is one loom gives an entry of `ingest/`: `<pid>-<16 hex>.part` (an ingest's
    /// temporary file), `rebuild-<pid>-<hex>` (a rebuild's scratch directory) or `.trash-gc-<pid>-<hex>`
    /// (one gc moved aside). Only such entries are ever collected.
    static func isLoomIngestName(_ name: String) -> Bool {
        func isDecimal(_ s: Substring) -> Bool { !s.isEmpty && s.count <= 10 && s.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        func isHex(_ s: Substring) -> Bool {
            !s.isEmpty && s.count <= 16 && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        }
        func pidAndHex(_ rest: Substring) -> Bool {
            let parts = rest.split(separator: "-", omittingEmptySubsequences: false)
            return parts.count == 2 && isDecimal(parts[0]) && isHex(parts[1])
        }
        if name.hasSuffix(".part") { return pidAndHex(name.dropLast(5)) }
        if name.hasPrefix("rebuild-") { return pidAndHex(name.dropFirst(8)) }
        if name.hasPrefix(".trash-gc-") { return pidAndHex(name.dropFirst(10)) }
        return false
    }

    /// The 64 hex digits of a `sha256:` key (the name of its `artifacts/` directory).
    static func hex(_ key: String) -> String { String(Digest.hexPart(of: key)) }

    /// Whether `name` is 64 lowercase hex digits.
    static func isKeyHex(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
