#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BlobStore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The few POSIX calls the store makes, with errno turned into ``BlobStoreError``.
enum FileSystem {
    /// `lstat`, or nil when nothing is there.
    /// - Throws: `io` for any error other than `ENOENT`/`ENOTDIR`.
    static func status(_ path: String) throws -> stat? {
        var info = stat()
        if lstat(path, &info) == 0 { return info }
        let code = currentErrno()
        if code == ENOENT || code == ENOTDIR { return nil }
        throw BlobStoreError.system("stat", path, errno: code)
    }

    /// `open(2)`, for code inside a type whose own `open` member hides the C function.
    static func openDescriptor(_ path: String, _ flags: Int32) -> Int32 {
        open(path, flags)
    }

    static func isRegular(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFREG }
    static func isDirectory(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFDIR }

    static func modified(_ info: stat) -> Date {
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        return Date(timeIntervalSince1970: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9)
    }

    /// Creates `path` and any missing parents (mode 0755). Each directory it creates is made durable
    /// by fsyncing its parent. Idempotent; safe against concurrent creators.
    /// - Throws: `io` when a component cannot be created or is not a directory.
    static func makeDirectories(_ path: String) throws {
        if let info = try status(path) {
            guard isDirectory(info) else { throw BlobStoreError.system("mkdir", path, errno: ENOTDIR) }
            return
        }
        let parent = parentDirectory(of: path)
        if parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o755) == 0 {
            try syncDirectory(parent)
        } else if currentErrno() != EEXIST {
            throw BlobStoreError.lastSystemError("mkdir", path)
        }
    }

    /// fsyncs a directory, making the names created or renamed in it durable.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw BlobStoreError.lastSystemError("open directory", path) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw BlobStoreError.lastSystemError("fsync directory", path) }
    }

    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The names in a directory (without `.` and `..`), or nil when it does not exist.
    /// - Throws: `io` when it exists but cannot be read.
    static func names(in path: String) throws -> [String]? {
        guard let dir = opendir(path) else {
            let code = currentErrno()
            if code == ENOENT { return nil }
            throw BlobStoreError.system("open directory", path, errno: code)
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes a file; an absent file is a success.
    static func removeFile(_ path: String) throws {
        if unlink(path) != 0 && currentErrno() != ENOENT {
            throw BlobStoreError.lastSystemError("unlink", path)
        }
    }

    enum RenameOutcome { case renamed, targetExists }

    /// Renames `source` to `target` unless `target` exists, atomically where the kernel and file
    /// system support `RENAME_NOREPLACE` (otherwise check, then rename: a racing identical blob is
    /// replaced by identical bytes, which readers cannot tell apart).
    /// - Throws: `io` for any failure other than an existing target.
    static func renameWithoutReplacing(_ source: String, to target: String) throws -> RenameOutcome {
        #if os(Linux)
        if let renameat2 = LinuxCalls.renameat2 {
            if renameat2(AT_FDCWD, source, AT_FDCWD, target, LinuxCalls.renameNoReplace) == 0 { return .renamed }
            let code = currentErrno()
            if code == EEXIST { return .targetExists }
            if code != EINVAL && code != ENOSYS { throw BlobStoreError.system("rename \(source) to", target, errno: code) }
        }
        #endif
        if try status(target) != nil { return .targetExists }
        guard rename(source, target) == 0 else { throw BlobStoreError.lastSystemError("rename \(source) to", target) }
        return .renamed
    }

    /// Asks the kernel to start writing back `count` bytes at `offset` without waiting, so that the
    /// final fsync has little left to do. Advisory: failures are ignored.
    static func startWriteback(_ fd: Int32, offset: Int64, count: Int) {
        #if os(Linux)
        if let syncFileRange = LinuxCalls.syncFileRange {
            _ = syncFileRange(fd, offset, Int64(count), LinuxCalls.syncFileRangeWrite)
        }
        #endif
    }
}

#if os(Linux)
/// GNU extensions that Swift's Glibc module does not declare (it is built without `_GNU_SOURCE`),
/// looked up once in the C library.
enum LinuxCalls {
    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    typealias SyncFileRange = @convention(c) (Int32, Int64, Int64, UInt32) -> Int32
    typealias CopyFileRange = @convention(c) (
        Int32, UnsafeMutablePointer<Int64>?, Int32, UnsafeMutablePointer<Int64>?, Int, UInt32
    ) -> Int

    static let renameNoReplace: UInt32 = 1  // RENAME_NOREPLACE, <linux/fs.h>
    static let syncFileRangeWrite: UInt32 = 2  // SYNC_FILE_RANGE_WRITE, <fcntl.h>

    static let renameat2: RenameAt2? = lookUp("renameat2")
    static let syncFileRange: SyncFileRange? = lookUp("sync_file_range")
    static let copyFileRange: CopyFileRange? = lookUp("copy_file_range")

    private static func lookUp<F>(_ name: String) -> F? {
        // A null handle is RTLD_DEFAULT: search the global symbol scope (libc is always there).
        guard let symbol = dlsym(nil, name) else { return nil }
        return unsafeBitCast(symbol, to: F.self)
    }
}
#endif
