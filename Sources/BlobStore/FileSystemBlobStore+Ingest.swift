#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileSystemBlobStore {
    /// Copies and hashes in one pass: 8 MiB chunks are copied on the calling thread (inside the
    /// kernel, as `cp` does) while a helper thread hashes the copied bytes a few chunks behind, so the
    /// digest names exactly the bytes stored. Resident memory stays at a few chunks.
    /// Non-regular sources (pipes, devices) are read and written instead.
    public func ingest(
        contentsOf path: String, expecting expected: Digest?, progress: ((Int64) -> Void)?
    ) throws -> IngestResult {
        let context = "ingest of \(path)"
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = currentErrno()
            if code == ENOENT { throw BlobStoreError(.notFound, "\(context): no such file") }
            throw BlobStoreError.system("open", path, errno: code).prefixed(context)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw BlobStoreError.lastSystemError("stat", path).prefixed(context) }
        if FileSystem.isDirectory(info) { throw BlobStoreError(.invalid, "\(context): is a directory") }
        guard FileSystem.isRegular(info) else { return try ingestStream(fd, path: path, expecting: expected, progress: progress) }

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
        let writer = try BlobWriter(layout: layout, writeLimit: writeLimit, source: path)
        try writer.copy(from: fd, count: size, sourcePath: path, progress: progress)
        return try writer.commit(expecting: expected, size: Int64(size))
    }

    public func ingest(bytes: some Collection<UInt8>, expecting expected: Digest?) throws -> IngestResult {
        if let expected, contains(expected) {
            let digest = Digest(hashing: bytes)
            guard digest == expected else {
                throw BlobStoreError(.digestMismatch, "ingest: digest mismatch: expected \(expected), got \(digest)")
            }
            return IngestResult(digest: digest, size: Int64(bytes.count), existed: true)
        }
        let writer = try makeWriter()
        let wrote: Void? = try bytes.withContiguousStorageIfAvailable { try writer.write(UnsafeRawBufferPointer($0)) }
        if wrote == nil { try writer.write(Array(bytes)) }
        return try writer.commit(expecting: expected)
    }

    public func makeWriter() throws -> BlobWriter {
        try BlobWriter(layout: layout, writeLimit: writeLimit, source: nil)
    }

    /// Ingests a source that cannot be mapped, reading it in chunks.
    private func ingestStream(
        _ fd: Int32, path: String, expecting expected: Digest?, progress: ((Int64) -> Void)?
    ) throws -> IngestResult {
        let writer = try BlobWriter(layout: layout, writeLimit: writeLimit, source: path)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: BlobWriter.chunkSize, alignment: 64)
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
