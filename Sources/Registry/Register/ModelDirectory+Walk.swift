import BlobStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension ModelDirectory {
    /// One listing of a directory tree under the symlink rule; see ``ModelDirectory``.
    struct Walk {
        let roots: LinkRoots
        /// The directory as the user gave it, for messages.
        let shownRoot: String
        /// The real path of the store being registered into.
        let storeRoot: String?
        private(set) var found: [File] = []
        private(set) var skippedStores: [String] = []

        init(roots: LinkRoots, shownRoot: String, storeRoot: String?) {
            self.roots = roots
            self.shownRoot = shownRoot
            self.storeRoot = storeRoot
        }

        /// Lists `directory` (whose path relative to the root is `relative`) and everything below it.
        ///
        /// - Throws: ``RegistryError`` `.invalid` naming a refused entry, `.io` when listing fails.
        mutating func walk(directory: String, relative: String) throws(RegistryError) {
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted()
            } catch {
                throw .io("cannot list \(directory): \(error.localizedDescription)")
            }
            try refuseNormalizationTwins(names, relative: relative)
            for name in names {
                let full = directory + "/" + name
                let rel = relative.isEmpty ? name : relative + "/" + name
                let shown = shownRoot + "/" + rel
                guard !name.contains("\\"), name.utf8.allSatisfy({ $0 >= 0x20 }) else {
                    throw .invalid("refusing \(Names.quoted(shown)): control character or backslash in a file name")
                }
                var st = stat()
                guard lstat(full, &st) == 0 else { throw .io("cannot stat \(shown): \(String(cString: strerror(errno)))") }
                switch st.st_mode & S_IFMT {
                case S_IFREG:
                    found.append(File(relativePath: rel, resolvedPath: full, size: Int64(st.st_size), identity: FileIdentity(st)))
                case S_IFDIR:
                    if isStore(full) {
                        skippedStores.append(rel)
                    } else {
                        try walk(directory: full, relative: rel)
                    }
                case S_IFLNK:
                    try follow(full, shown: shown, relative: rel)
                case S_IFIFO:
                    throw .invalid("refusing \(shown): it is a FIFO, not a regular file")
                case S_IFCHR, S_IFBLK:
                    throw .invalid("refusing \(shown): it is a device file, not a regular file")
                case S_IFSOCK:
                    throw .invalid("refusing \(shown): it is a socket, not a regular file")
                default:
                    throw .invalid("refusing \(shown): not a regular file")
                }
            }
        }

        /// Lists the symlink `full` as its final real target, when the rule allows it.
        private mutating func follow(_ full: String, shown: String, relative: String) throws(RegistryError) {
            guard let target = ModelDirectory.realPath(full) else {
                let code = errno
                throw .invalid(
                    "refusing symlink \(shown): "
                        + (code == ENOENT ? "its target does not exist" : "its target cannot be resolved (\(String(cString: strerror(code))))"))
            }
            guard roots.allow(target) else {
                throw .invalid("refusing symlink \(shown) → \(target): it leaves the directory (\(roots.refusalReason))")
            }
            var tst = stat()
            guard stat(target, &tst) == 0, (tst.st_mode & S_IFMT) == S_IFREG else {
                throw .invalid("refusing symlink \(shown) → \(target): it does not point at a regular file")
            }
            found.append(File(relativePath: relative, resolvedPath: target, size: Int64(tst.st_size), identity: FileIdentity(tst)))
        }

        /// True for the store being registered into and for any other loom store.
        private func isStore(_ path: String) -> Bool {
            (storeRoot != nil && ModelDirectory.realPath(path) == storeRoot) || roots.isLoomStore(path)
        }

        /// Refuses two names of one folder that are different bytes but equal as Swift strings (the
        /// same text in NFC and NFD): every later lookup by name would take one for the other.
        private func refuseNormalizationTwins(_ names: [String], relative: String) throws(RegistryError) {
            var seen: [String: String] = [:]
            for name in names {
                if let twin = seen.updateValue(name, forKey: name) {
                    let prefix = shownRoot + "/" + (relative.isEmpty ? "" : relative + "/")
                    throw .invalid(
                        "refusing \(Names.scalarsShown(prefix + twin)) and \(Names.scalarsShown(prefix + name)): "
                            + "their names differ only in Unicode normalization")
                }
            }
        }
    }
}

extension FileIdentity {
    /// The identity `status` (from `stat` or `lstat`) describes.
    init(_ status: stat) {
        self.init(device: UInt64(status.st_dev), inode: UInt64(status.st_ino))
    }
}
