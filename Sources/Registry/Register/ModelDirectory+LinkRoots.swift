import BlobStore

#if canImport(Glibc)
import Glibc
#endif

extension ModelDirectory {
    /// Where a followed symlink may end: inside the directory, or inside one folder that a known
    /// layout links into.
    ///
    /// - An HF cache snapshot `REPO/snapshots/REV/` (REPO named `models--…`) links into `REPO/blobs/`.
    /// - A loom artifact directory `STORE/artifacts/KEY/` (STORE holding `catalog.sqlite` and a blob
    ///   directory, where the blob store's layout puts it) links into that blob directory, that store's
    ///   and no other's.
    ///
    /// That folder is allowed only when its own real path lies inside the real REPO or STORE: a
    /// `blobs/` that is a symlink out of it (to `/etc`, another repository) allows nothing, and links
    /// into it are refused like any other leaving link. All paths here are real paths. A value type.
    struct LinkRoots {
        /// The directory's real path.
        let directory: String
        /// Says where a loom store keeps its blob files.
        let layout: any LocalBlobAccess
        /// The real path of the allowed folder, if the layout has one that passed the rule.
        private(set) var folder: String?
        /// The folder the layout names but which resolves outside its owner, with where it resolves.
        private(set) var refusedFolder: (path: String, real: String)?

        init(directory: String, layout: any LocalBlobAccess) {
            self.directory = directory
            self.layout = layout
            let parts = directory.split(separator: "/").map(String.init)
            guard parts.count >= 3 else { return }
            let owner = "/" + parts.dropLast(2).joined(separator: "/")
            if parts[parts.count - 2] == "snapshots", parts[parts.count - 3].hasPrefix("models--") {
                allow(owner + "/blobs", inside: owner)
            } else if parts[parts.count - 2] == "artifacts", Self.isLoomStore(owner, layout: layout) {
                allow(layout.blobDirectory(ofStoreAt: owner), inside: owner)
            }
        }

        private mutating func allow(_ path: String, inside owner: String) {
            guard let real = ModelDirectory.realPath(path) else { return }
            if real.hasPrefix(owner + "/") {
                folder = real
            } else {
                refusedFolder = (path, real)
            }
        }

        /// True when the real path `target` lies inside the directory or the allowed folder.
        func allow(_ target: String) -> Bool {
            target.hasPrefix(directory + "/") || folder.map { target.hasPrefix($0 + "/") } == true
        }

        /// Why a link that leaves the directory is refused, for the message.
        var refusalReason: String {
            if let refusedFolder {
                return "\(refusedFolder.path) resolves to \(refusedFolder.real), outside the folder that holds it, so links into it are not followed"
            }
            return "only links inside it, into an HF cache repository's blobs/, or into the blobs/ of the loom store holding an artifact directory, are followed"
        }

        /// ``isLoomStore(_:layout:)`` with this walk's layout.
        func isLoomStore(_ path: String) -> Bool { Self.isLoomStore(path, layout: layout) }

        /// True when `path` is a loom store: it holds a regular file `catalog.sqlite` and a directory
        /// where `layout` keeps blob files.
        static func isLoomStore(_ path: String, layout: any LocalBlobAccess) -> Bool {
            var st = stat()
            guard stat(path + "/catalog.sqlite", &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return false }
            return stat(layout.blobDirectory(ofStoreAt: path), &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
        }
    }
}
