import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What this process may do to a store's catalog: write it, read it beside writers, or read a store
/// nothing can write. Decided from the file system each time it is asked; no state.
package enum StoreAccess: Equatable {
    /// The store directory and every catalog file that exists are writable by this user.
    case readWrite
    /// Read-only for this user, on a writable file system: others may be writing (normal SQLite locking).
    case readOnly
    /// On a file system mounted read-only: nothing can write, so SQLite may skip locking (`immutable`).
    case readOnlyMount

    /// The access this process has to the store at `root`, whose catalog is `catalog`.
    package static func of(root: String, catalog: String) -> StoreAccess {
        if isReadOnlyMount(root) { return .readOnlyMount }
        let files = [catalog, catalog + "-wal", catalog + "-shm"].filter { FileManager.default.fileExists(atPath: $0) }
        return ([root] + files).allSatisfy { access($0, W_OK) == 0 } ? .readWrite : .readOnly
    }

    /// Whether `path` is on a file system mounted read-only (statvfs's `ST_RDONLY`).
    static func isReadOnlyMount(_ path: String) -> Bool {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return false }
        return info.f_flag & UInt(ST_RDONLY) != 0
    }
}
