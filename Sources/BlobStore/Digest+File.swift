internal import LoomCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Digest {
    /// Hashes everything in the open file `fd` from offset 0 to its end, reading on the calling thread
    /// into two alternating buffers while a helper thread hashes the other one. Returns the digest and
    /// the number of bytes hashed. Does not move the file offset.
    /// - Throws: `io` naming `path` when a read fails.
    static func hashing(file fd: Int32, path: String) throws -> (digest: Digest, size: Int64) {
        let chunk = BlobWriter.chunkSize
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: 2 * chunk, alignment: 64)
        let hasher = HashPipeline()
        defer {
            // The helper may still be reading a buffer.
            hasher.drain()
            memory.deallocate()
        }
        var offset: Int64 = 0
        var half = 0
        while true {
            let buffer = memory.baseAddress! + half * chunk
            let count = pread(fd, buffer, chunk, off_t(offset))
            if count < 0 && currentErrno() == EINTR { continue }
            guard count >= 0 else { throw BlobStoreError.lastSystemError("read", path) }
            if count == 0 { break }
            hasher.enqueue(UnsafeRawBufferPointer(start: buffer, count: count))
            offset += Int64(count)
            half ^= 1
            // The next read reuses the other buffer: its hash (the oldest job) must be done.
            if hasher.pending > 1 { hasher.waitOldest() }
        }
        hasher.drain()
        return (hasher.finalize(), offset)
    }
}
