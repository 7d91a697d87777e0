public import BlobStore
public import LoomCore
import Crypto

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileSystemBlobStore {
    /// Bytes hashed per mapped window by ``check(_:size:isCancelled:)``.
    static let checkWindow = 8 << 20

    /// The `stat` of a committed blob's file (one `lstat`, no read); nil when it is absent or not a
    /// regular file. Never throws: an unreadable store answers nil, as ``contains(_:)`` answers false.
    public func status(of digest: LoomCore.Digest) -> BlobFileStatus? {
        guard let info = try? FileSystem.status(layout.path(of: digest)), FileSystem.isRegular(info) else { return nil }
        return BlobFileStatus(info)
    }

    /// Rehashes a blob's file on the calling thread, one mapped window at a time (each unmapped once
    /// hashed, so resident memory stays at one window), and says whether it matches its name (and `size`,
    /// when given, compared before hashing). Changes nothing.
    ///
    /// Meant for a background thread: it starts no thread of its own, and `isCancelled` is asked between
    /// windows; a cancelled check returns nil.
    /// - Throws: ``BlobStoreError`` `io` naming the blob when the file exists but cannot be opened, mapped or
    ///   examined; `invalid` when it is not a regular file.
    public func check(_ digest: LoomCore.Digest, size expectedSize: Int64?, isCancelled: () -> Bool = { false }) throws -> BlobCheck? {
        let path = layout.path(of: digest)
        let fd = FileSystem.openDescriptor(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            let code = currentErrno()
            if code == ENOENT || code == ENOTDIR { return BlobCheck(outcome: .missing, status: nil) }
            throw BlobStoreError.system("open", path, errno: code).prefixed("check blob \(digest)")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw BlobStoreError.lastSystemError("stat", path).prefixed("check blob \(digest)") }
        guard FileSystem.isRegular(info) else {
            throw BlobStoreError(.invalid, "check blob \(digest): \(path) is not a regular file")
        }
        let status = BlobFileStatus(info)
        if let expectedSize, expectedSize != status.size {
            return BlobCheck(outcome: .wrongSize(expected: expectedSize, actual: status.size), status: status)
        }
        var hasher = DigestHasher()
        var offset = 0
        let size = Int(status.size)
        while offset < size {
            if isCancelled() { return nil }
            let count = min(Self.checkWindow, size - offset)
            guard let window = mmap(nil, count, PROT_READ, MAP_PRIVATE, fd, off_t(offset)),
                window != UnsafeMutableRawPointer(bitPattern: -1)
            else { throw BlobStoreError.lastSystemError("mmap", path).prefixed("check blob \(digest)") }
            _ = madvise(window, count, MADV_SEQUENTIAL)
            hasher.update(UnsafeRawBufferPointer(start: window, count: count))
            munmap(window, count)
            offset += count
        }
        let actual = hasher.finalize()
        return BlobCheck(outcome: actual == digest ? .ok : .corrupt(actual: actual), status: status)
    }

    /// Unlinks a blob file found corrupt, so that the next ingest of the right bytes can commit them under
    /// its name (a commit never replaces an existing blob). Removes it only while it is still the file
    /// that was checked (same inode and mtime as `checked`).
    ///
    /// - Warning: the caller makes sure no catalog row still refers to the blob, as for ``delete(_:)``.
    /// - Returns: true when the file was removed.
    /// - Throws: ``BlobStoreError`` `io` when it cannot be removed.
    @discardableResult
    public func removeCorrupt(_ digest: LoomCore.Digest, checked: BlobFileStatus) throws -> Bool {
        guard let current = status(of: digest), current == checked else { return false }
        try FileSystem.removeFile(layout.path(of: digest))
        return true
    }
}
