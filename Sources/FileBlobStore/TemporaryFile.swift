#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BlobStore
import LoomFaults

/// The file an ingest writes into, `ingest/<pid>-<random>.part`: append-only, then sealed
/// (read-only and fsynced) before it is renamed to its blob name.
///
/// One owner, not thread-safe. Every data write first asks for an injected failure (a test's write
/// limit, or `LOOM_FAULT_ENOSPC_AFTER`) and fails exactly as a failed write(2) with that errno would.
/// Errors name the file. Closing does not remove the file: ``remove()`` does.
final class TemporaryFile {
    /// The absolute path.
    let path: String
    /// The number of bytes appended so far.
    private(set) var size: Int64 = 0

    private var fd: Int32
    private let writeLimit: Int64?
    private var bounce: UnsafeMutableRawBufferPointer?
    private var kernelCopyWorks = true

    /// Creates a new, empty file in `ingest/` (creating `ingest/` if needed).
    /// - Throws: `io` when the directory or file cannot be created.
    init(in layout: StoreLayout, writeLimit: Int64?) throws {
        try FileSystem.makeDirectories(layout.ingestDirectory)
        var path = layout.newIngestPath()
        // Owner-only until sealed: the bytes may be a private file's, and ingest/ is readable by others.
        var descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        for _ in 0..<4 where descriptor < 0 && currentErrno() == EEXIST {
            path = layout.newIngestPath()
            descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        }
        guard descriptor >= 0 else { throw BlobStoreError.lastSystemError("create", path) }
        self.path = path
        self.writeLimit = writeLimit
        fd = descriptor
        Fault.point("ingest.after-create")
    }

    deinit {
        close()
        bounce?.deallocate()
    }

    /// Appends all of `bytes` (write(2), retried until complete), then starts their writeback.
    /// - Throws: `io` with the failed write's errno.
    func append(_ bytes: UnsafeRawBufferPointer) throws {
        let start = size
        var offset = 0
        while offset < bytes.count {
            let count = bytes.count - offset
            try checkInjectedFailure(adding: count)
            let written = write(fd, bytes.baseAddress! + offset, count)
            if written < 0 {
                if currentErrno() == EINTR { continue }
                throw BlobStoreError.lastSystemError("write", path)
            }
            guard written > 0 else { throw BlobStoreError.system("write", path, errno: EIO) }
            offset += written
            size += Int64(written)
        }
        wroteRange(from: start)
    }

    /// Appends up to `count` bytes of the file `source` from `offset`, copied inside the kernel when
    /// it can (`copy_file_range`, as `cp` does), else read and written. Returns the number copied,
    /// less than `count` only when the source ends first.
    /// - Throws: `io` with the failed read's or write's errno.
    func append(copying count: Int, from source: Int32, at offset: Int64, sourcePath: String) throws -> Int {
        let start = size
        var done = 0
        #if os(Linux)
        while done < count && kernelCopyWorks, let copyFileRange = LinuxCalls.copyFileRange {
            try checkInjectedFailure(adding: count - done)
            var from = offset + Int64(done)
            let copied = copyFileRange(source, &from, fd, nil, count - done, 0)
            if copied > 0 {
                done += copied
                size += Int64(copied)
                continue
            }
            if copied == 0 { break }
            let code = currentErrno()
            if code == EINTR { continue }
            // Not supported between these files (another file system, an old kernel): read and write.
            guard [EXDEV, EINVAL, ENOSYS, EOPNOTSUPP, EBADF].contains(code) else {
                throw BlobStoreError.system("copy \(sourcePath) to", path, errno: code)
            }
            kernelCopyWorks = false
        }
        #endif
        wroteRange(from: start)
        let buffer = bounce ?? .allocate(byteCount: FileBlobWriter.chunkSize, alignment: 64)
        bounce = buffer
        while done < count {
            let wanted = min(buffer.count, count - done)
            let got = pread(source, buffer.baseAddress, wanted, off_t(offset + Int64(done)))
            if got < 0 && currentErrno() == EINTR { continue }
            guard got >= 0 else { throw BlobStoreError.lastSystemError("read", sourcePath) }
            if got == 0 { break }
            try append(UnsafeRawBufferPointer(start: buffer.baseAddress, count: got))
            done += got
        }
        return done
    }

    /// Maps `count` bytes from `offset` (already written) read-only, with the page tables filled in.
    /// The caller unmaps it (`munmap`) before the file is removed.
    /// - Throws: `io` when mmap fails.
    func map(offset: Int64, count: Int) throws -> UnsafeRawBufferPointer {
        let address = mmap(nil, count, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, off_t(offset))
        guard let address, address != MAP_FAILED else { throw BlobStoreError.lastSystemError("mmap", path) }
        return UnsafeRawBufferPointer(start: address, count: count)
    }

    /// Makes the file read-only (``sealedMode(readableLike:group:)``) and durable (fsync).
    /// - Throws: `io` when stat, chmod or fsync fails.
    func seal(readableLike source: stat? = nil) throws {
        var own = stat()
        guard fstat(fd, &own) == 0 else { throw BlobStoreError.lastSystemError("stat", path) }
        guard fchmod(fd, Self.sealedMode(readableLike: source, group: own.st_gid)) == 0 else {
            throw BlobStoreError.lastSystemError("chmod", path)
        }
        guard fsync(fd) == 0 else { throw BlobStoreError.lastSystemError("fsync", path) }
    }

    /// A blob's mode: read-only, and never readable by anyone the source was not readable by.
    ///
    /// Bytes loom made (`source` nil) are 0444. A copy keeps the owner's read bit (the owner is the
    /// store's, which just read the source), the group's only when the blob's `group` is the source's
    /// group and that group could read it, and the others' only when others could read it: a 0644
    /// file becomes 0444, a 0600 one 0400, `/etc/shadow` (0640, group shadow) 0400.
    static func sealedMode(readableLike source: stat?, group: gid_t) -> mode_t {
        guard let source else { return 0o444 }
        var mode: mode_t = 0o400 | (source.st_mode & 0o004)
        if source.st_gid == group { mode |= source.st_mode & 0o040 }
        return mode
    }

    /// Closes the descriptor. Idempotent.
    func close() {
        if fd >= 0 { closeDescriptor(fd) }
        fd = -1
    }

    /// Closes and deletes the file. Idempotent; errors are ignored (a leftover is collected by gc).
    func remove() {
        close()
        unlink(path)
    }

    private func checkInjectedFailure(adding count: Int) throws {
        let code: Int32?
        if let writeLimit {
            code = size + Int64(count) > writeLimit ? ENOSPC : nil
        } else {
            code = Fault.checkWrite(total: size, adding: count)
        }
        if let code { throw BlobStoreError.system("write", path, errno: code) }
    }

    /// After a write: start writeback so the final fsync is short; the first write is a fault point.
    private func wroteRange(from start: Int64) {
        guard size > start else { return }
        FileSystem.startWriteback(fd, offset: start, count: Int(size - start))
        if start == 0 { Fault.point("ingest.mid-write") }
    }
}

/// close(2); named apart because `close` inside ``TemporaryFile`` means the method.
private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
