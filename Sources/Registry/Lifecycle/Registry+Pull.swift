import BlobStore
import LoomCore
import Foundation
import LoomJSON

#if canImport(Glibc)
import Glibc
#endif

/// What `loom pull` did.
package struct PullReport: Sendable, Equatable {
    /// The absolute directory written.
    package var path: String
    /// The artifact's key.
    package var key: String
    /// Files in the directory (the artifact's manifest).
    package var files: Int
    /// Bytes written (files copied from the store).
    package var bytes: Int64
    /// Files kept from a previous pull into the same directory because they were already right.
    package var skipped: Int
}

extension Registry {
    /// The file a pulled directory carries to say what it holds (as `hf download --local-dir` keeps
    /// `.cache/huggingface/`): `{"key", "files": [{path, digest, size}]}`.
    static let pullMarker = ".loom/pull.json"

    /// Writes the artifact `text` names (a key or unique prefix, or a built recipe or adapter) into
    /// `directory` as plain files (mode 0644, no links into the store), checking every file's digest
    /// while it is copied. Counts as use of the artifact (its last use is touched, as a build hit does).
    ///
    /// Atomic: the files go into a temporary directory beside `directory`, which is fsynced and renamed
    /// to it at the end; on failure or interruption the temporary directory is removed and `directory`
    /// is as it was. `directory` must not exist, or be an earlier pull (it holds ``pullMarker``): then
    /// its files that already hash to the artifact's digests are kept (hard-linked, not rewritten), the
    /// rest are copied, and the directory is swapped for the new one at once (renameat2 RENAME_EXCHANGE
    /// where the system has it). Files of the earlier pull that the artifact does not have are dropped.
    ///
    /// - Throws: ``RegistryError`` `.notFound` when nothing built matches; `.conflict` when `directory`
    ///   exists and is not a pull; `.io` when a blob is missing or corrupt (naming the file) or a write
    ///   fails; `.interrupted` when the process is asked to stop.
    package func pull(_ text: String, into directory: String) throws(RegistryError) -> PullReport {
        guard let catalog = try existingCatalog() else { throw .notFound("nothing named \(Names.quoted(text)) (the store is empty)") }
        let key = try artifactKey(for: text, catalog: catalog)
        let artifact: ArtifactRecord
        do {
            guard let found = try catalog.artifact(key: key) else { throw RegistryError.notFound("artifact \(key) is gone") }
            artifact = found
            // Touch first, as a cache hit does: gc re-checks last use before evicting, so it keeps this one.
            if let writable = try? writableCatalog() { try? writable.touchArtifact(key: key) }
        } catch {
            throw RegistryError(error)
        }
        let entries = try manifestEntries(artifact)
        let target = PullTarget(path: Self.absolute(directory))
        try target.checkReplaceable()
        let scratch = try target.makeScratch()
        var done = false
        defer { if !done { try? FileManager.default.removeItem(atPath: scratch) } }
        var report = PullReport(path: target.path, key: key, files: entries.count, bytes: 0, skipped: 0)
        for entry in entries {
            try Self.checkInterrupted()
            let relative = try Self.safeRelativePath(entry.path, in: key)
            let destination = scratch + "/" + relative
            try target.makeParents(of: destination, below: scratch)
            if try target.linkPrevious(relative, to: destination, digest: entry.digest, size: entry.size) {
                report.skipped += 1
                continue
            }
            try PullCopier.copy(blobs.path(of: entry.digest), to: destination, entry: entry)
            report.bytes += entry.size
        }
        try target.writeMarker(in: scratch, key: key, entries: entries)
        try target.replace(with: scratch)
        done = true
        return report
    }

    /// `path` made absolute against the current directory, with `.` and `..` resolved and no trailing slash.
    static func absolute(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        return URL(fileURLWithPath: absolute).standardizedFileURL.path
    }

    /// A manifest path that stays inside the directory: relative, without `.`, `..` or empty components.
    static func safeRelativePath(_ path: String, in key: String) throws(RegistryError) -> String {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }), path != ".loom",
            !path.hasPrefix(".loom/")
        else {
            throw .invalid("artifact \(key) lists the file \(Names.quoted(path)), which would land outside the directory")
        }
        return path
    }
}
