import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The files of a model or adapter directory, listed under DESIGN.md's symlink rule.
///
/// A symlink is followed only when it resolves to a regular file inside the directory itself or, for a
/// Hugging Face cache snapshot (`…/models--ORG--NAME/snapshots/REV/`), inside that cached repository's
/// `blobs/`. Every other symlink, every special file (FIFO, device, socket) and every name that escapes
/// the directory is refused, naming the culprit. Hidden entries (`.git`, `.cache`, …) are skipped.
/// Reads the file system only; a value type.
struct ModelDirectory {
    /// One regular file to register.
    struct File: Equatable {
        /// Path relative to the directory, `/`-separated.
        var relativePath: String
        /// The path to read: the resolved target for a followed symlink.
        var resolvedPath: String
        var size: Int64
    }

    /// The directory as given, made absolute.
    let path: String
    /// Every regular file (after following allowed symlinks), sorted by relative path.
    let files: [File]

    /// Lists `path`.
    ///
    /// - Throws: ``RegistryError`` `.notFound` for a missing directory, `.invalid` for a refused entry.
    init(_ path: String) throws(RegistryError) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var st = stat()
        guard stat(absolute, &st) == 0 else { throw .notFound("directory \(path) does not exist") }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .invalid("\(path) is not a directory") }
        guard let root = Self.realPath(absolute) else { throw .io("cannot resolve \(path)") }
        var allowedRoots = [root]
        // An HF cache snapshot's files are symlinks into the repository's blobs/ folder.
        let parts = root.split(separator: "/").map(String.init)
        if parts.count >= 3, parts[parts.count - 2] == "snapshots", parts[parts.count - 3].hasPrefix("models--") {
            let repository = "/" + parts.dropLast(2).joined(separator: "/")
            if let blobs = Self.realPath(repository + "/blobs") { allowedRoots.append(blobs) }
        }
        var found: [File] = []
        try Self.walk(directory: absolute, relative: "", allowedRoots: allowedRoots, shownRoot: path, into: &found)
        self.path = absolute
        files = found.sorted { $0.relativePath < $1.relativePath }
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func walk(
        directory: String, relative: String, allowedRoots: [String], shownRoot: String, into found: inout [File]
    ) throws(RegistryError) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw .io("cannot list \(directory): \(error.localizedDescription)")
        }
        for name in names where !name.hasPrefix(".") {
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
                found.append(File(relativePath: rel, resolvedPath: full, size: Int64(st.st_size)))
            case S_IFDIR:
                try walk(directory: full, relative: rel, allowedRoots: allowedRoots, shownRoot: shownRoot, into: &found)
            case S_IFLNK:
                guard let target = realPath(full) else {
                    let code = errno
                    throw .invalid(
                        "refusing symlink \(shown): "
                            + (code == ENOENT ? "its target does not exist" : "its target cannot be resolved (\(String(cString: strerror(code))))"))
                }
                guard allowedRoots.contains(where: { target.hasPrefix($0 + "/") }) else {
                    throw .invalid(
                        "refusing symlink \(shown) → \(target): it leaves the directory (only links inside it, or into an HF cache repository's blobs/, are followed)")
                }
                var tst = stat()
                guard stat(target, &tst) == 0, (tst.st_mode & S_IFMT) == S_IFREG else {
                    throw .invalid("refusing symlink \(shown) → \(target): it does not point at a regular file")
                }
                found.append(File(relativePath: rel, resolvedPath: target, size: Int64(tst.st_size)))
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

    /// The file at a relative path, if listed.
    func file(_ relativePath: String) -> File? {
        files.first { $0.relativePath == relativePath }
    }
}
