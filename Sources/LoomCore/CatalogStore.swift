package import Foundation

/// A loom catalog: bases, adapters, recipes, artifacts, holds, leases and the hash-chained event log,
/// behind whichever backend stores them (SQLite today, PostgreSQL next). What Registry talks to.
///
/// Consistency, for every backend:
/// - **Writes are atomic and serializable.** Each write method is one transaction that also appends
///   its event(s): it happens completely, with its events, or not at all, and concurrent writers (threads
///   or processes, on any host sharing the catalog) behave as if they ran one after another. A write
///   that cannot get its turn in time throws `.busy` and changes nothing.
/// - **Reads are snapshot-consistent.** ``snapshot(_:)`` gives one view in which every read agrees;
///   each convenience read (``CatalogStore`` extension) runs on a snapshot of its own.
/// - **Leases are time-based.** A lease lasts until its `expiresAt`; its holder renews it
///   (``renewLease(name:ttl:background:)``, Registry's `LeaseRenewer` every 5 s for a 30 s lease) and an
///   expired lease may be taken over by anyone (``acquireLease(name:ttl:)``). A backend may also take
///   over earlier when it can prove the holder is gone (``leaseHolderIsGone(_:)``, e.g. "that pid no
///   longer exists on this host"); that is a fast path only, never needed for correctness.
///
/// Errors: every method throws ``CatalogError``: `.notFound`, `.conflict`, `.invalid` for requests the
/// catalog refuses (naming the culprit), `.busy` when a write could not get its turn, `.schemaTooNew`,
/// `.corrupt`, `.io`. A refused write leaves the catalog unchanged.
///
/// Thread safety: implementations are `Sendable` classes; every method may be called from any thread.
package protocol CatalogStore: AnyObject, Sendable {
    /// Where the catalog lives, for messages (a file path, a database URL without its password).
    var location: String { get }
    /// True when opened read-only: every write throws `.io` naming ``location``.
    var isReadOnly: Bool { get }

    /// Runs `body` on one consistent read snapshot (``CatalogReader``) and returns its result. The
    /// reader is valid only inside `body`; writers proceed meanwhile, unseen. For gc: plan from one
    /// snapshot, then re-check under ``evictArtifacts(_:)`` / ``sweepBlobs(_:)``.
    func snapshot<T>(_ body: (any CatalogReader) throws -> T) throws -> T

    // MARK: Registration (atomic; each appends its event)

    /// Records a base version with its files and tensor index. Idempotent in content: a draft whose
    /// name and manifest digest match an existing version returns it with `created == false`.
    func registerBase(_ draft: NewBase, files: [FileEntry], tensors: [TensorEntry]) throws -> (record: BaseRecord, created: Bool)
    /// Removes base `name` at `version` (latest when nil); with `cascade` its adapters too. Refuses
    /// (`.conflict`) what artifacts or recipes still need unless `force`. Not idempotent (`.notFound` after).
    func removeBase(name: String, version: Int?, cascade: Bool, force: Bool) throws -> Removal
    /// Records an adapter version with its files. Idempotent in content, as ``registerBase(_:files:tensors:)``.
    func registerAdapter(_ draft: NewAdapter, files: [FileEntry]) throws -> (record: AdapterRecord, created: Bool)
    /// Removes adapter `name` at `version` (latest when nil); refuses what recipes use unless `force`.
    func removeAdapter(name: String, version: Int?, force: Bool) throws -> Removal
    /// Makes `alias` name base `name`. Idempotent: returns false when it already did.
    @discardableResult func addBaseAlias(_ alias: String, to name: String) throws -> Bool
    /// Removes `alias` of base `name`; `.notFound` when there is no such alias.
    func removeBaseAlias(_ alias: String, of name: String) throws
    /// Adds (or with `replace`, replaces) the named recipe `draft`. Idempotent for an identical draft.
    func addRecipe(_ draft: NewRecipe, replace: Bool) throws -> (record: RecipeRecord, created: Bool)
    /// Removes recipe `name`; `.notFound` when absent.
    func removeRecipe(name: String) throws -> RecipeRecord

    // MARK: Artifacts

    /// Records a built artifact with its inputs, files and (optionally) blob stats. Idempotent: an
    /// existing key returns the stored record with `created == false`.
    func insertArtifact(
        _ draft: NewArtifact, inputs: [ArtifactInput], files: [FileEntry], blobStats: [String: BlobStat]
    ) throws -> (record: ArtifactRecord, created: Bool)
    /// Moves artifact `key`'s last-used time to now (never backwards); no event. Cheap to lose on a crash.
    func touchArtifact(key: String) throws
    /// Pins or unpins artifact `key`. Idempotent; `.notFound` when absent.
    @discardableResult func setPinned(key: String, _ pinned: Bool) throws -> ArtifactRecord
    /// Deletes artifact `key`'s rows (not its bytes) with an event giving `reason`; `.notFound` when absent.
    @discardableResult func deleteArtifact(key: String, reason: String) throws -> ArtifactRecord
    /// The recorded stats of artifact `artifactID`'s blobs, by digest (files without stats left out).
    func artifactBlobStats(artifactID: Int64) throws -> [String: BlobStat]
    /// Records `stat` for every artifact file whose blob is `digest`. No event; idempotent.
    func recordBlobStat(digest: String, _ stat: BlobStat) throws
    /// Holds artifact `key` for `holder` until `until` (gc will not evict it). Idempotent: extends it.
    @discardableResult func holdArtifact(key: String, holder: String, until: Date) throws -> HoldRecord
    /// Releases the holds on `key` of `holder` (every holder's when nil); returns what was released.
    @discardableResult func releaseHolds(key: String, holder: String?) throws -> [HoldRecord]

    /// Records where adapter `adapterID` was extracted from (`loom adapter extract`), with an event.
    /// Atomic; idempotent (the same provenance again changes nothing).
    /// - Throws: ``CatalogError`` `.notFound` (no such adapter), `.invalid`, `.conflict` (another provenance).
    func recordExtraction(adapterID: Int64, _ draft: ExtractionRecord) throws
    /// The extraction provenance of adapter `adapterID`, or nil when it was registered from a directory.
    func extraction(adapterID: Int64) throws -> ExtractionRecord?

    // MARK: Leases (time-based; see the type's comment)

    /// Takes the lease `name` for this process until now + `ttl`: inserts it when absent, takes it
    /// over (with a `lease.takeover` event) when it has expired or its holder is provably gone
    /// (``leaseHolderIsGone(_:)``), else returns `.held` with the current holder. Atomic with respect to
    /// other acquirers: of concurrent callers, exactly one gets `.acquired`. Not idempotent: a live
    /// lease held by this same process is `.held` too (one holder per name at a time).
    func acquireLease(name: String, ttl: Duration) throws -> LeaseOutcome
    /// Extends the lease `name`, held by this process, to now + `ttl`. `.notFound` when it is gone,
    /// `.conflict` when another holder took it over. `background` renewals skip fault points.
    @discardableResult func renewLease(name: String, ttl: Duration, background: Bool) throws -> LeaseRecord
    /// Releases the lease `name` if this process holds it. Idempotent; returns whether one was released.
    @discardableResult func releaseLease(name: String) throws -> Bool
    /// Whether the backend can tell, before expiry, that `lease`'s holder is no longer running (for
    /// SQLite: its pid is gone or reused on this host). False when it cannot tell: such a lease ends by
    /// expiry. Fast, no I/O beyond the local host.
    func leaseHolderIsGone(_ lease: LeaseRecord) -> Bool

    // MARK: Garbage collection (re-checked under the write turn)

    /// Deletes each artifact of `evictions` that is still evictable, in one transaction: it exists, is
    /// unpinned, has no live hold and no live `build:<key>` lease, and was not used after
    /// ``Eviction/notUsedSince``; otherwise reports it kept with the reason. Rows only; the caller
    /// removes bytes afterwards. Idempotent in effect.
    func evictArtifacts(_ evictions: [Eviction]) throws -> [EvictionOutcome]
    /// Runs `body` (which deletes unreferenced blobs and returns their digests) inside one write
    /// transaction, serializable with every other writer, and only when no live lease exists; dead
    /// leases (expired, or holder gone) are deleted first with `lease.expire` events. Because writers
    /// hold a lease from before they ingest until their rows commit, a blob `body` finds unreferenced
    /// (``CatalogReader/isReferenced(digest:)`` on the reader it is given) cannot become referenced before
    /// the transaction ends. Records one `gc.sweep` event when `body` deleted anything.
    func sweepBlobs(_ body: (any CatalogReader) throws -> [String]) throws -> SweepOutcome

    // MARK: Events and checks

    /// Appends `draft` to the event chain on its own (atomic; chain order is commit order).
    @discardableResult func recordEvent(_ draft: EventDraft) throws -> EventRecord
    /// The backend's own consistency checks; empty when sound. Read-only, never repairs.
    func integrityCheck() throws -> [String]
    /// How much history the catalog holds (to tell a catalog that lost its rows from a new one).
    func history() throws -> CatalogHistory
    /// The ids of the schema migrations applied, in order.
    func appliedMigrations() throws -> [String]

    // MARK: Durability and copies

    /// Writes a consistent copy of the catalog (as of one moment, leases left out) to the new file
    /// `destination`, and returns the blobs the copy references (digest → size). Writers may go on.
    func backup(to destination: String) throws -> [String: Int64]
    /// Makes writes that skipped durability work (cache-hit touches, leases) durable in the backend's
    /// main storage. Never fails; idempotent. Called at the end of a command.
    func checkpoint()
}
