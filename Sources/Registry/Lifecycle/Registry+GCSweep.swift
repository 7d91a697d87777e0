import BlobStore
import LoomCore
import Foundation
import LoomFaults

/// gc's last phase, in named steps: one catalog transaction in which unreferenced blobs, ingest
/// leftovers and stray directories go, each re-checked, then what waits for the commit.
extension Registry {
    /// Deletes the planned blobs, ingest files and stray directories in one catalog transaction, if no
    /// lease is live by then; deletes dead leases either way.
    func sweep(_ plan: GCPlan, catalog: any CatalogStore, into done: inout GCPlan) throws(RegistryError) {
        let strays = plan.directories.filter { $0.kind != .evicted }
        guard !plan.blobs.isEmpty || !plan.ingest.isEmpty || !strays.isEmpty || !plan.leases.isEmpty else { return }
        var removeAfterCommit: [String] = []
        let outcome: SweepOutcome
        do {
            outcome = try catalog.sweepBlobs { snapshot in
                let deleted = try deleteUnreferencedBlobs(plan.blobs, snapshot: snapshot, into: &done)
                removeIngestLeftovers(plan.ingest, into: &done, removeAfterCommit: &removeAfterCommit)
                try removeStrayDirectories(strays, snapshot: snapshot, into: &done, removeAfterCommit: &removeAfterCommit)
                return deleted
            }
        } catch {
            throw RegistryError(error)
        }
        Fault.point("gc.after-sweep")
        for path in removeAfterCommit { try? FileManager.default.removeItem(atPath: path) }
        recordLeases(outcome, into: &done)
    }

    /// Deletes each planned blob that the catalog (under its write lock) still does not reference;
    /// returns the digests deleted. A blob referenced again, or one the store fails to delete, is skipped.
    private func deleteUnreferencedBlobs(
        _ planned: [GCPlan.Blob], snapshot: any CatalogReader, into done: inout GCPlan
    ) throws -> [String] {
        var deleted: [String] = []
        for blob in planned {
            if try snapshot.isReferenced(digest: blob.digest) {
                done.skipped.append(.init(subject: blob.digest, reason: "blob kept: referenced again since the plan"))
                continue
            }
            guard let digest = Digest(parsing: blob.digest) else { continue }
            do {
                try blobs.delete(digest)
                deleted.append(blob.digest)
                if deleted.count == 1 { Fault.point("gc.mid-sweep") }
                done.blobs.append(blob)
            } catch {
                done.skipped.append(.init(subject: blob.digest, reason: "blob kept: \(error)"))
            }
        }
        return deleted
    }

    /// Removes the planned ingest files; a rebuild's scratch directory is moved aside now and its
    /// (possibly large) files removed after the commit.
    private func removeIngestLeftovers(_ planned: [GCPlan.IngestFile], into done: inout GCPlan, removeAfterCommit: inout [String]) {
        for file in planned {
            do {
                if Self.isDirectory(file.path) {
                    guard let trash = moveToTrash(file.path, within: blobs.ingestDirectory) else {
                        done.skipped.append(.init(subject: file.path, reason: "ingest directory kept: it could not be moved away"))
                        continue
                    }
                    removeAfterCommit.append(trash)
                } else {
                    try blobs.removeIngestFile(file.path)
                }
                done.ingest.append(file)
            } catch {
                done.skipped.append(.init(subject: file.path, reason: "ingest file kept: \(error)"))
            }
        }
    }

    /// Moves aside the planned stray and orphan directories of `artifacts/`, unless an orphan's artifact
    /// was built again; renamed under the lock, so that a build committing the key after us materializes
    /// afresh, while the (slower) recursive removal waits for the commit.
    private func removeStrayDirectories(
        _ planned: [GCPlan.Directory], snapshot: any CatalogReader, into done: inout GCPlan, removeAfterCommit: inout [String]
    ) throws {
        for directory in planned {
            let name = GarbageCollector.Entry(path: directory.path, size: 0, modified: .distantPast).name
            if directory.kind == .orphan, try snapshot.hasArtifact(key: "sha256:" + name) {
                done.skipped.append(.init(subject: directory.path, reason: "directory kept: its artifact was built again"))
                continue
            }
            if let trash = moveToTrash(directory.path, within: artifactsDirectory) {
                removeAfterCommit.append(trash)
                done.directories.append(directory)
            } else {
                done.skipped.append(.init(subject: directory.path, reason: "directory kept: it could not be moved away"))
            }
        }
    }

    /// Records the dead leases the sweep deleted, and the live ones that stopped it deleting blobs.
    private func recordLeases(_ outcome: SweepOutcome, into done: inout GCPlan) {
        done.leases = outcome.deadLeases.map {
            .init(name: $0.lease.name, holder: Self.holder(of: $0.lease), expiresAt: $0.lease.expiresAt, reason: $0.reason)
        }
        let alreadySkipped = Set(done.skipped.map(\.subject))
        for lease in outcome.liveLeases where !alreadySkipped.contains(lease.name) {
            done.skipped.append(.liveLease(lease.name, holder: Self.holder(of: lease)))
        }
    }
}
