import BlobStore
import LoomCore
import struct Crypto.SHA256
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The file copies of `loom pull`: a blob to a plain file (mode 0644), hashed while it is written, so
/// that what lands in the directory is exactly what the digest names. Stateless; safe from any thread.
enum PullCopier {
    static let chunkSize = 8 << 20

    /// Copies the blob at `source` to the new file `destination` and fsyncs it, checking its size and
    /// digest against `entry`; checks ``Interruption`` between chunks.
    /// - Throws: ``RegistryError`` `.io` naming the file when the blob is missing, corrupt or a write
    ///   fails (the partial file is left to the caller's scratch directory); `.interrupted`.
    static func copy(_ source: String, to destination: String, entry: Manifest.Entry) throws(RegistryError) {
        let input = open(source, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard input >= 0 else {
            throw .io("cannot read the blob \(entry.digest) of \(Names.quoted(entry.path)): \(String(cString: strerror(errno))) (run `loom verify`)")
        }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw .io("cannot create \(Names.quoted(destination)): \(String(cString: strerror(errno)))") }
        defer { close(output) }
        #if os(Linux)
        _ = posix_fadvise(input, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 4096)
        defer { buffer.deallocate() }
        var sha = SHA256()
        var total: Int64 = 0
        while true {
            try Registry.checkInterrupted()
            let count = read(input, buffer.baseAddress, chunkSize)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { throw .io("cannot read the blob of \(Names.quoted(entry.path)): \(String(cString: strerror(errno)))") }
            if count == 0 { break }
            let bytes = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
            sha.update(bufferPointer: bytes)
            try writeAll(bytes, to: output, path: destination)
            total += Int64(count)
        }
        let digest: Digest? = Digest(sha.finalize())
        guard total == entry.size, digest == entry.digest else {
            throw .io(
                "the blob of \(Names.quoted(entry.path)) is corrupt: expected \(entry.digest) (\(entry.size) bytes), "
                    + "got \(digest?.description ?? "?") (\(total) bytes); nothing was pulled (run `loom verify`)")
        }
        // The umask may have narrowed the mode: pulled files are ordinary 0644 files.
        guard fchmod(output, 0o644) == 0, fsync(output) == 0 else {
            throw .io("cannot write \(Names.quoted(destination)): \(String(cString: strerror(errno)))")
        }
    }

    /// The digest of the file at `path` (read through, not mapped).
    static func digest(of path: String) throws(RegistryError) -> Digest? {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 4096)
        defer { buffer.deallocate() }
        var sha = SHA256()
        while true {
            try Registry.checkInterrupted()
            let count = read(fd, buffer.baseAddress, chunkSize)
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            sha.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
        return Digest(sha.finalize())
    }

    /// Writes `bytes` to the new file `path` (0644) and fsyncs it.
    static func write(_ bytes: [UInt8], to path: String) throws(RegistryError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io("cannot create \(Names.quoted(path)): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var failure: RegistryError?
        bytes.withUnsafeBytes { raw in
            do { try writeAll(raw, to: fd, path: path) } catch { failure = RegistryError(error) }
        }
        if let failure { throw failure }
        guard fchmod(fd, 0o644) == 0, fsync(fd) == 0 else { throw .io("cannot write \(Names.quoted(path)): \(String(cString: strerror(errno)))") }
    }

    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to fd: Int32, path: String) throws(RegistryError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw .io("cannot write \(Names.quoted(path)): \(String(cString: strerror(errno)))") }
            offset += written
        }
    }
}
