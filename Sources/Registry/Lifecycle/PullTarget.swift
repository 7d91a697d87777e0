import BlobStore
import LoomCore
import Foundation
import LoomJSON

#if canImport(Glibc)
import Glibc
#endif

/// The directory `loom pull` writes, and the one it may replace: checks, the scratch directory beside
/// it, reuse of an earlier pull's files, and the final swap. One per pull; not thread-safe.
struct PullTarget {
    /// The absolute directory.
    let path: String

    private var parent: String { (path as NSString).deletingLastPathComponent }

    /// Whether `path` exists (not following a symlink).
    private var exists: Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Refuses a `path` that exists and is not an earlier pull (a real directory holding the marker).
    /// - Throws: ``RegistryError`` `.conflict` naming it.
    func checkReplaceable() throws(RegistryError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        let isDirectory = info.st_mode & S_IFMT == S_IFDIR
        var marker = stat()
        guard isDirectory, lstat(path + "/" + Registry.pullMarker, &marker) == 0, marker.st_mode & S_IFMT == S_IFREG else {
            throw .conflict(
                "\(Names.quoted(path)) exists and is not a directory loom pulled into; remove it or pull into a new directory")
        }
    }

    /// Creates the parent directories and a fresh scratch directory beside `path`; returns its path.
    /// - Throws: ``RegistryError`` `.io` when they cannot be created.
    func makeScratch() throws(RegistryError) -> String {
        do {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        } catch {
            throw .io("cannot create \(Names.quoted(parent)): \(error.localizedDescription)")
        }
        let name = ".loom-pull-\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
        let scratch = parent + "/" + name
        guard mkdir(scratch, 0o755) == 0 else { throw .io("cannot create \(Names.quoted(scratch)): \(String(cString: strerror(errno)))") }
        return scratch
    }

    /// Creates the directories between `below` and `file`.
    func makeParents(of file: String, below root: String) throws(RegistryError) {
        let directory = (file as NSString).deletingLastPathComponent
        guard directory != root else { return }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .io("cannot create \(Names.quoted(directory)): \(error.localizedDescription)")
        }
    }

    /// When the earlier pull in `path` has `relative` as a regular file that hashes to `digest`, hard-links
    /// it to `destination` and returns true; false when there is none, or it differs.
    func linkPrevious(_ relative: String, to destination: String, digest: Digest, size: Int64) throws(RegistryError) -> Bool {
        guard exists else { return false }
        let previous = path + "/" + relative
        var info = stat()
        guard lstat(previous, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int64(info.st_size) == size else { return false }
        guard try PullCopier.digest(of: previous) == digest else { return false }
        guard link(previous, destination) == 0 else { return false }
        return true
    }

    /// Writes ``Registry/pullMarker`` into `scratch`, then fsyncs every directory of it.
    func writeMarker(in scratch: String, key: String, entries: [Manifest.Entry]) throws(RegistryError) {
        let marker: JSONValue = .object([
            "key": .string(key),
            "files": .array(entries.map { .object(["path": .string($0.path), "digest": .string($0.digest.description), "size": .int($0.size)]) }),
        ])
        let file = scratch + "/" + Registry.pullMarker
        try makeParents(of: file, below: scratch)
        do {
            try PullCopier.write(Array((JSONWriter.canonical.string(marker) + "\n").utf8), to: file)
            var directories = Set([scratch, (file as NSString).deletingLastPathComponent])
            for entry in entries { directories.insert(((scratch + "/" + entry.path) as NSString).deletingLastPathComponent) }
            for directory in directories.sorted(by: >) { try FileSystemSync.directory(directory) }
        } catch {
            throw RegistryError(error)
        }
    }

    /// Puts `scratch` in place of `path`: a rename when `path` does not exist, else an atomic exchange
    /// (the earlier pull is then removed); fsyncs the parent.
    func replace(with scratch: String) throws(RegistryError) {
        if !exists {
            // Not plain rename(2): it would silently replace an empty directory created meanwhile.
            let renamed = Self.renameat2.map { $0(AT_FDCWD, scratch, AT_FDCWD, path, Self.renameNoReplace) == 0 } ?? (rename(scratch, path) == 0)
            guard renamed else { throw .io("cannot rename \(Names.quoted(scratch)) to \(Names.quoted(path)): \(String(cString: strerror(errno)))") }
        } else if try checkReplaceableAgain(), let exchange = Self.renameat2,
            exchange(AT_FDCWD, scratch, AT_FDCWD, path, Self.renameExchange) == 0
        {
            try? FileManager.default.removeItem(atPath: scratch)
        } else {
            // No atomic exchange here: move the earlier pull aside, then the new one in.
            let aside = scratch + "-old"
            guard rename(path, aside) == 0 else { throw .io("cannot move \(Names.quoted(path)) aside: \(String(cString: strerror(errno)))") }
            guard rename(scratch, path) == 0 else {
                _ = rename(aside, path)
                throw .io("cannot rename \(Names.quoted(scratch)) to \(Names.quoted(path)): \(String(cString: strerror(errno)))")
            }
            try? FileManager.default.removeItem(atPath: aside)
        }
        do {
            try FileSystemSync.directory(parent)
        } catch {
            throw RegistryError(error)
        }
    }

    /// ``checkReplaceable()`` right before the swap (the directory may have been replaced since the pull
    /// began); true, for use in a condition.
    private func checkReplaceableAgain() throws(RegistryError) -> Bool {
        try checkReplaceable()
        return true
    }

    private static let renameNoReplace: UInt32 = 1  // RENAME_NOREPLACE, <linux/fs.h>
    private typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    private static let renameExchange: UInt32 = 2  // RENAME_EXCHANGE, <linux/fs.h>
    private static let renameat2: RenameAt2? = dlsym(nil, "renameat2").map { unsafeBitCast($0, to: RenameAt2.self) }
}
