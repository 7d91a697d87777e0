import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The file-system half of gc outside the blob store: listing and moving `artifacts/` entries.
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

    /// Renames an `artifacts/` entry to a fresh `.trash-gc-*` name beside it; returns the new path, or
    /// nil when it cannot be renamed (for example, it is gone).
    func moveToTrash(_ path: String) -> String? {
        let trash = artifactsDirectory + "/.trash-gc-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        return rename(path, trash) == 0 ? trash : nil
    }
}
