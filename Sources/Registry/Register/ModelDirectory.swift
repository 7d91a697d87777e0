import BlobStore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The files of a model or adapter directory, listed under docs/architecture.md's symlink rule ("register base").
///
/// A symlink is followed only when its final real path (every link resolved) is a regular file inside
/// the directory's real path or inside one of the few folders ``LinkRoots`` allows: the real `blobs/`
/// of a Hugging Face cache repository (`…/models--ORG--NAME/snapshots/REV/`), or the blob directory
/// of the loom store holding an artifact directory (`STORE/artifacts/KEY/`) — each only when its own
/// real path lies inside that repository or store, so a `blobs/` that is itself a link elsewhere
/// allows nothing. Every other symlink, every special file (FIFO, device, socket) and every name that
/// escapes the directory is refused, naming the culprit. Hidden entries (`.git`, `.cache`, …) are
/// skipped, and so is any loom store inside (the store being written to, or any directory holding
/// `catalog.sqlite` and a blob directory where the blob store's layout puts one), which ``skippedStores`` lists. Two names in one folder that
/// differ only in Unicode normalization are refused. Reads the file system only; a value type.
struct ModelDirectory {
    /// One regular file to register.
    struct File: Equatable {
        /// Path relative to the directory, `/`-separated.
        var relativePath: String
        /// The path to read: the resolved target for a followed symlink.
        var resolvedPath: String
        var size: Int64
        /// The file `resolvedPath` named when listed; ingest refuses another one.
        var identity: FileIdentity
    }

    /// The directory as given, made absolute.
    let path: String
    /// Every regular file (after following allowed symlinks), sorted by relative path.
    let files: [File]
    /// Loom stores found inside and not walked, relative paths, sorted.
    let skippedStores: [String]

    /// Lists `path`.
    ///
    /// - Parameter store: the root of the store being registered into; it is never part of a model.
    /// - Parameter layout: the blob store, asked where a loom store keeps its blob files.
    /// - Throws: ``RegistryError`` `.notFound` for a missing directory, `.invalid` for a refused entry or
    ///   for a directory that is itself a loom store.
    init(_ path: String, store: String? = nil, layout: any LocalBlobAccess) throws(RegistryError) {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var st = stat()
        guard stat(absolute, &st) == 0 else { throw .notFound("directory \(path) does not exist") }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .invalid("\(path) is not a directory") }
        guard let root = Self.realPath(absolute) else { throw .io("cannot resolve \(path)") }
        let storeRoot = store.flatMap(Self.realPath)
        if root == storeRoot || LinkRoots.isLoomStore(root, layout: layout) {
            throw .invalid("\(path) is a loom store, not a model directory")
        }
        var walk = Walk(roots: LinkRoots(directory: root, layout: layout), shownRoot: path, storeRoot: storeRoot)
        try walk.walk(directory: absolute, relative: "")
        self.path = absolute
        files = walk.found.sorted { $0.relativePath < $1.relativePath }
        skippedStores = walk.skippedStores.sorted()
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The file at a relative path, if listed. Compares bytes: a name that differs only in Unicode
    /// normalization is another file on disk.
    func file(_ relativePath: String) -> File? {
        files.first { Names.sameBytes($0.relativePath, relativePath) }
    }

    /// A note for the registration result when loom stores were skipped, else nil.
    var skippedStoresNote: String? {
        guard !skippedStores.isEmpty else { return nil }
        return "skipped \(skippedStores.map { $0 + "/" }.joined(separator: ", ")): a loom store is never part of a model"
    }
}
