import BlobStore
import LoomCore
import Logging

/// The cache hit's integrity check: cheap by default (stats only), a full rehash when asked or when the
/// stats say a file changed.
extension Registry {
    /// What ``checkCachedBlobs(_:entries:catalog:verify:)`` found.
    enum CachedBlobs {
        /// Every blob exists and is intact (as far as it was checked); notes for the result.
        case intact([String])
        /// A blob is absent.
        case missing
        /// A blob was corrupt: the artifact (and every other one holding that blob) was dropped. The note
        /// says which blob, and whether it was removed.
        case corrupt(String)
    }

    /// Stats every blob of a cached artifact and rehashes the ones whose size, mtime or inode differ from
    /// those recorded at commit (every one when `verify`). An intact rehashed blob gets its new stats
    /// recorded (a store copied with new inodes costs one rehash, not one per hit).
    ///
    /// - Throws: ``RegistryError`` when the catalog cannot be read or written, or a blob cannot be read.
    func checkCachedBlobs(
        _ artifact: ArtifactRecord, entries: [Manifest.Entry], catalog: any CatalogStore, verify: Bool
    ) throws(RegistryError) -> CachedBlobs {
        do {
            let recorded = try catalog.artifactBlobStats(artifactID: artifact.id)
            var suspects: [Manifest.Entry] = []
            for entry in entries {
                guard let status = blobs.status(of: entry.digest) else { return .missing }
                let stat = recorded[entry.digest.description]
                if verify || (stat != nil && stat != BlobStat(status)) { suspects.append(entry) }
            }
            var rehashed = Set<Digest>()
            for entry in suspects where rehashed.insert(entry.digest).inserted {
                guard let result = try blobs.check(entry.digest, size: entry.size), let status = result.status else { return .missing }
                guard result.outcome == .ok else {
                    return .corrupt(try dropCorrupt(entry, finding: result.outcome.finding(for: entry.digest) ?? "", checked: status, catalog: catalog))
                }
                if recorded[entry.digest.description] != BlobStat(status) {
                    try catalog.recordBlobStat(digest: entry.digest.description, BlobStat(status))
                }
            }
            return .intact(verify ? ["rehashed the \(rehashed.count) blobs of the cached artifact: all intact"] : [])
        } catch {
            throw RegistryError(error)
        }
    }

    /// Drops every artifact that holds a corrupt blob, and removes the blob unless a base or adapter holds
    /// it (then that registration is damaged: the rebuild fails naming it, and `loom verify` reports it).
    /// Returns the note for the build's result.
    func dropCorrupt(
        _ entry: Manifest.Entry, finding: String, checked: BlobFileStatus, catalog: any CatalogStore
    ) throws -> String {
        let digest = entry.digest.description
        let holders = try catalog.holders(ofDigest: digest)
        for holder in holders where holder.kind == .artifact {
            do {
                try catalog.deleteArtifact(key: holder.name, reason: "blob \(digest) (\(holder.path)) is corrupt; rebuilding")
            } catch let error as CatalogError where error.kind == .notFound {
                continue  // dropped meanwhile by another process
            }
        }
        let inputs = holders.filter { $0.kind != .artifact }.map { Self.owner($0) + " file " + Names.quoted($0.path) }
        let removed = inputs.isEmpty ? try blobs.removeCorrupt(entry.digest, checked: checked) : false
        let fate = removed ? "removed it" : inputs.isEmpty ? "" : "it is also \(inputs[0])'s"
        let note = "cached file \(Names.quoted(entry.path)): \(finding); dropped the artifact\(fate.isEmpty ? "" : ", \(fate)"), rebuilding"
        logger.warning("\(note)")
        return note
    }
}
