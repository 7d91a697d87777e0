public import LoomCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import BlobStore

extension FileSystemBlobStore {
    /// Copies and hashes in one pass: 8 MiB chunks are copied on the calling thread (inside the
    /// kernel, as `cp` does) while a helper thread hashes the copied bytes a few chunks behind, so the
    /// digest names exactly the bytes stored. Resident memory stays at a few chunks.
    /// Non-regular sources (pipes, devices) are read and written instead. With an `identity`, the file
    /// is opened without blocking (`O_NONBLOCK`).
    ///
    /// The new blob is readable by no one the source was not readable by (see ``FileBlobWriter``); an
    /// existing blob is left as it is.
    public func ingest(
        contentsOf path: String, expecting expected: Digest?, identity: FileIdentity?, progress: ((Int64) -> Void)?
    ) throws -> IngestResult {
        let context = "ingest of \(path)"
        // A caller that checked the file expects a regular file: a FIFO swapped in must not block open.
        let fd = FileSystem.openDescriptor(path, O_RDONLY | O_CLOEXEC | (identity == nil ? 0 : O_NONBLOCK | O_NOCTTY))
        guard fd >= 0 else {
            let code = currentErrno()
            if code == ENOENT { throw BlobStoreError(.notFound, "\(context): no such file") }
            throw BlobStoreError.system("open", path, errno: code).prefixed(context)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw BlobStoreError.lastSystemError("stat", path).prefixed(context) }
        if FileSystem.isDirectory(info) { throw BlobStoreError(.invalid, "\(context): is a directory") }
        if let identity, !FileSystem.isRegular(info) || FileIdentity(info) != identity {
            throw BlobStoreError(.invalid, "\(context): it is no longer the file that was checked (replaced meanwhile)")
        }
        guard FileSystem.isRegular(info) else {
            return try ingestStream(fd, path: path, source: info, expecting: expected, progress: progress)
        }

        let size = Int(info.st_size)
        #if os(Linux)
        _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
        if let expected, contains(expected) {
            let digest: Digest
            do {
                digest = try Digest.hashing(file: fd, path: path).digest
            } catch let error as BlobStoreError {
                throw error.prefixed(context)
            }
            guard digest == expected else {
                throw BlobStoreError(.digestMismatch, "\(context): digest mismatch: expected \(expected), got \(digest)")
            }
            progress?(Int64(size))
            return IngestResult(digest: digest, size: Int64(size), existed: true)
        }
        let writer = try FileBlobWriter(layout: layout, writeLimit: writeLimit, source: path, readableLike: info)
        try writer.copy(from: fd, count: size, sourcePath: path, progress: progress)
        return try writer.commit(expecting: expected, size: Int64(size))
    }

    public func makeWriter() throws -> FileBlobWriter {
        try FileBlobWriter(layout: layout, writeLimit: writeLimit, source: nil)
    }

    /// Ingests a source that cannot be mapped, reading it in chunks.
    private func ingestStream(
        _ fd: Int32, path: String, source: stat, expecting expected: Digest?, progress: ((Int64) -> Void)?
    ) throws -> IngestResult {
        let writer = try FileBlobWriter(layout: layout, writeLimit: writeLimit, source: path, readableLike: source)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: FileBlobWriter.chunkSize, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let count = read(fd, buffer.baseAddress, buffer.count)
            if count < 0 && currentErrno() == EINTR { continue }
            guard count >= 0 else {
                writer.abort()
                throw BlobStoreError.lastSystemError("read", path).prefixed("ingest of \(path)")
            }
            if count == 0 { break }
            try writer.write(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            progress?(writer.bytesWritten)
        }
        return try writer.commit(expecting: expected)
    }
}
