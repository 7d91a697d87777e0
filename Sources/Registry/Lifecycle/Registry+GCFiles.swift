import BlobStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The file-system half of gc outside the blob store: listing `artifacts/` and `ingest/`, moving entries aside.
extension Registry {
    /// Every entry of `artifacts/` with its modification time (not following symlinks); empty when the
    /// directory does not exist.
    ///
    /// - Throws: ``RegistryError`` `.io` when the directory exists but cannot be read.
    func artifactEntries() throws(RegistryError) -> [GarbageCollector.Entry] {
        let directory = artifactsDirectory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .io("cannot list \(directory): \(error.localizedDescription)")
        }
        var entries: [GarbageCollector.Entry] = []
        entries.reserveCapacity(names.count)
        for name in names.sorted() {
            let path = directory + "/" + name
            var info = stat()
            // An entry removed while we list is simply gone.
            guard lstat(path, &info) == 0 else { continue }
            let modified = Date(
                timeIntervalSince1970: Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9)
            let isRegular = info.st_mode & S_IFMT == S_IFREG
            entries.append(.init(path: path, size: isRegular ? Int64(info.st_size) : 0, modified: modified))
        }
        return entries
    }

    /// Every entry of `ingest/`: its size (summed over the files inside a rebuild's scratch directory)
    /// and whether the process named in it still runs, or is known to be gone.
    ///
    /// - Throws: ``RegistryError`` `.io` when `ingest/` exists but cannot be read.
    func ingestEntries() throws(RegistryError) -> [GarbageCollector.Entry] {
        do {
            return try blobs.ingestFiles().map { file in
                let running = Self.ingestWriterIsRunning(file.path)
                return .init(
                    path: file.path, size: Self.isDirectory(file.path) ? Self.diskUsage(file.path) : file.size,
                    modified: file.modified, inUse: running, writerGone: !running && Self.ingestWriterPID(file.path) != nil)
            }
        } catch {
            throw RegistryError(error)
        }
    }

    /// Whether the pid an ingest entry's name starts with (`<pid>-….part`, `rebuild-<pid>-…`) is a running
    /// process on this host. Names without a pid say nothing (false).
    static func ingestWriterIsRunning(_ path: String) -> Bool {
        guard let pid = ingestWriterPID(path) else { return false }
        // EPERM: the process exists but belongs to another user.
        return kill(pid, 0) == 0 || errno == EPERM
    }

    /// The pid an ingest entry's name starts with (`<pid>-….part`, `rebuild-<pid>-…`, `.trash-gc-<pid>-…`), or nil.
    static func ingestWriterPID(_ path: String) -> Int32? {
        var name = path.split(separator: "/").last ?? ""
        for prefix in ["rebuild-", ".trash-gc-"] where name.hasPrefix(prefix) { name = name.dropFirst(prefix.count) }
        let parts = name.split(separator: "-")
        guard parts.count >= 2, let pid = Int32(parts[0]), pid > 0 else { return nil }
        return pid
    }

    /// Whether `path` is a directory (not following a symlink).
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Renames the entry `path` of `directory` to a fresh `.trash-gc-*` name beside it; returns the new
    /// path, or nil when it cannot be renamed (for example, it is gone). gc collects a `.trash-gc-*` entry
    /// left behind by a crash like any other leftover.
    func moveToTrash(_ path: String, within directory: String) -> String? {
        let trash = directory + "/.trash-gc-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        return rename(path, trash) == 0 ? trash : nil
    }
}
