public import LoomCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BlobStore

/// A blob file opened for ranged reads (``FileSystemBlobStore/open(_:)``): one read-only descriptor,
/// read with `pread` (no shared position, so concurrent reads are safe), closed on deinit. It keeps
/// reading the bytes it opened even if the blob is deleted meanwhile.
final class FileOpenBlob: OpenBlob {
    let digest: Digest
    let size: Int64
    private let path: String
    private let fd: Int32

    /// Opens the blob's file.
    /// - Throws: ``BlobStoreError`` `notFound` when there is no regular file under its name, `io` otherwise.
    init(digest: Digest, path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            let code = currentErrno()
            if code == ENOENT || code == ENOTDIR || code == ELOOP {
                throw BlobStoreError(.notFound, "blob \(digest): not found")
            }
            throw BlobStoreError.system("open", path, errno: code).prefixed("open blob \(digest)")
        }
        var info = stat()
        guard fstat(fd, &info) == 0, FileSystem.isRegular(info) else {
            close(fd)
            throw BlobStoreError(.notFound, "blob \(digest): \(path) is not a regular file")
        }
        self.digest = digest
        self.path = path
        self.fd = fd
        size = Int64(info.st_size)
    }

    deinit { close(fd) }

    func read(offset: Int64, length: Int) throws -> [UInt8] {
        if let error = rangeError(offset: offset, length: length) { throw error }
        let count = Int(min(Int64(length), size - offset))
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes { raw in
                pread(fd, raw.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if got < 0 && currentErrno() == EINTR { continue }
            guard got >= 0 else { throw BlobStoreError.lastSystemError("read", path).prefixed("read blob \(digest)") }
            if got == 0 { break }
            done += got
        }
        return done == count ? bytes : Array(bytes[..<done])
    }
}
