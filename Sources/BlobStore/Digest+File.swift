import Crypto
public import LoomCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension LoomCore.Digest {
    /// Bytes per read when hashing a file: large enough to amortize a syscall and a thread hop.
    package static let fileChunkSize = 8 << 20

    /// Hashes everything in the open file `fd` from offset 0 to its end, reading on the calling thread
    /// into two alternating buffers while a helper thread hashes the other one. Returns the digest and
    /// the number of bytes hashed. Does not move the file offset. `progress` is called on the calling
    /// thread with the bytes read so far, after each chunk. The one file-hashing loop of loom (blob
    /// verification, audit of a path).
    /// - Throws: ``BlobStoreError`` `io` naming `path` when a read fails.
    public static func hashing(
        file fd: Int32, path: String, progress: ((Int64) -> Void)? = nil
    ) throws -> (digest: LoomCore.Digest, size: Int64) {
        let chunk = fileChunkSize
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
            progress?(offset)
            half ^= 1
            // The next read reuses the other buffer: its hash (the oldest job) must be done.
            if hasher.pending > 1 { hasher.waitOldest() }
        }
        hasher.drain()
        return (hasher.finalize(), offset)
    }
}

/// An incremental SHA-256 on the calling thread, giving a ``LoomCore.Digest``: for callers that hash pieces as
/// they get them (mapped windows, chunks from a backend). A value; not shared between threads.
public struct DigestHasher {
    private var sha = SHA256()

    /// A hasher that has seen no bytes.
    public init() {}

    /// Hashes `bytes` after everything before.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        sha.update(bufferPointer: bytes)
    }

    /// The digest of every byte given. Call once.
    public func finalize() -> LoomCore.Digest {
        LoomCore.Digest(sha.finalize())
    }
}
