import BlobStore
import LoomCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Registry {
    /// Copies the store to the new directory `destination`: a consistent copy of the catalog (SQLite's
    /// online backup API: every committed change, WAL included) and, unless `catalogOnly`, every blob
    /// the copy references, hard-linked when on the same file system (blobs are immutable), else copied
    /// and rehashed. The result is a store loom opens as it is; `artifacts/` directories are made again by
    /// the next build of each artifact. Leases are not copied.
    ///
    /// Atomic: everything is written under a temporary name beside `destination` and renamed into place
    /// last, so `destination` either does not appear or is complete. Refuses a `destination` that exists
    /// and is not an empty directory. While it runs it holds a lease, so gc deletes no blob meanwhile;
    /// builds and registrations may go on (the copy is the catalog as of one moment).
    ///
    /// - Throws: ``RegistryError`` `.invalid` when `destination` is inside the store; `.notFound` when the
    ///   store has no catalog; `.conflict` when `destination`
    ///   exists and is not an empty directory; `.io` when writing fails (nothing is left at `destination`).
    package func backup(to destination: String, catalogOnly: Bool = false) throws(RegistryError) -> BackupReport {
        let target = URL(fileURLWithPath: destination, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .standardizedFileURL.path
        guard target != root, !target.hasPrefix(root + "/") else {
            throw .invalid("backup destination \(target) is inside the store \(root); choose a directory outside it")
        }
        guard let catalog = try existingCatalog() else { throw .notFound("store \(root) has no catalog to back up") }
        if let names = try? FileManager.default.contentsOfDirectory(atPath: target), !names.isEmpty {
            throw .conflict("backup destination \(target) exists and is not empty")
        }
        if FileManager.default.fileExists(atPath: target), !Self.isDirectory(target) {
            throw .conflict("backup destination \(target) exists and is not a directory")
        }
        let parent = (target as NSString).deletingLastPathComponent
        let name = (target as NSString).lastPathComponent
        let scratch = parent + "/.\(name).loom-backup-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false)
        } catch {
            throw .io("cannot create \(scratch) for the backup: \(error.localizedDescription)")
        }
        var finished = false
        defer { if !finished { try? FileManager.default.removeItem(atPath: scratch) } }
        var report = try withBackupLease(catalog) { () throws(RegistryError) in
            try writeBackup(catalog, into: scratch, catalogOnly: catalogOnly)
        }
        guard rename(scratch, target) == 0 else {
            let reason = errno == ENOTEMPTY || errno == EEXIST ? "it is no longer empty" : String(cString: strerror(errno))
            throw .io("cannot move the backup into \(target): \(reason)")
        }
        finished = true
        try? FileSystemSync.directory(parent)
        report.path = target
        return report
    }

    /// The catalog copy and the blobs, under `scratch`.
    private func writeBackup(_ catalog: any CatalogStore, into scratch: String, catalogOnly: Bool) throws(RegistryError) -> BackupReport {
        let catalogCopy = scratch + "/catalog.sqlite"
        let referenced: [String: Int64]
        do {
            referenced = try catalog.backup(to: catalogCopy)
        } catch {
            throw RegistryError(error)
        }
        let catalogBytes = (try? FileManager.default.attributesOfItem(atPath: catalogCopy)[.size] as? NSNumber)?.int64Value ?? 0
        var report = BackupReport(path: scratch, catalogBytes: catalogBytes, blobs: 0, bytes: 0, linked: 0, copied: 0, catalogOnly: catalogOnly)
        guard !catalogOnly else { return report }
        let copy: any LocalBlobStore
        do {
            copy = try blobs.store(at: scratch)
        } catch {
            throw .io("cannot make the backup's blob store in \(scratch): \(error)")
        }
        var directories = Set<String>()
        for (text, size) in referenced.sorted(by: { $0.key < $1.key }) {
            guard let digest = Digest(parsing: text) else { throw .internal("catalog references malformed digest \(text)") }
            let source = blobs.path(of: digest), destination = copy.path(of: digest)
            let directory = (destination as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw .io("cannot create \(directory) for the backup: \(error.localizedDescription)")
            }
            directories.insert(directory)
            if link(source, destination) == 0 {
                report.linked += 1
            } else if [EXDEV, EPERM, EMLINK].contains(errno) {
                do {
                    _ = try copy.ingest(contentsOf: source, expecting: digest, progress: { _ in })
                } catch {
                    throw .io("cannot copy blob \(text) into the backup: \(error)")
                }
                report.copied += 1
            } else {
                throw .io("cannot link blob \(text) into the backup: \(String(cString: strerror(errno)))")
            }
            report.blobs += 1
            report.bytes += size
        }
        try? FileManager.default.removeItem(atPath: copy.ingestDirectory)
        for directory in directories.sorted() + Self.directories(from: copy.blobDirectory, upTo: scratch) {
            try? FileSystemSync.directory(directory)
        }
        return report
    }

    /// Runs `body` under a lease of its own (gc deletes no blob while one is live), renewed while it runs;
    /// without one on a store this user cannot write (nothing of this user's can collect there either).
    private func withBackupLease<T>(_ catalog: any CatalogStore, _ body: () throws(RegistryError) -> T) throws(RegistryError) -> T {
        guard !catalog.isReadOnly else { return try body() }
        let name = "backup:\(Registry.hostName):\(getpid()):\(UInt64.random(in: 0...UInt64.max))"
        do {
            _ = try catalog.acquireLease(name: name, ttl: Self.leaseTTL)
        } catch {
            throw RegistryError(error)
        }
        defer { _ = try? catalog.releaseLease(name: name) }
        let renewer = renewing(name, catalog: catalog)
        defer { renewer.stop() }
        return try body()
    }

    /// `directory` and each parent of it up to and including `top` (which contains it), innermost first:
    /// the directories whose new entries must be made durable.
    private static func directories(from directory: String, upTo top: String) -> [String] {
        var found: [String] = []
        var current = directory
        while current.hasPrefix(top + "/") {
            found.append(current)
            current = (current as NSString).deletingLastPathComponent
        }
        return found + [top]
    }
}
