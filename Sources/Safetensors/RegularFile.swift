#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open, read-only file descriptor for a path that is known to be a regular file.
///
/// Owns the descriptor and closes it when dropped; not copyable, so it is closed exactly once.
struct RegularFile: ~Copyable {
    let path: String
    let descriptor: Int32
    /// The size when opened.
    let size: Int

    /// Opens `path` read-only, refusing anything but a regular file *before* reading from it.
    ///
    /// `stat` first, so a FIFO or device is never opened; then `O_NONBLOCK` and `fstat` on the open
    /// descriptor, so one swapped in between cannot block or slip through either.
    ///
    /// - Throws: ``SafetensorsError/cannotOpen(path:errno:)``, ``SafetensorsError/notRegularFile(path:)``.
    init(path: String) throws(SafetensorsError) {
        var status = stat()
        guard stat(path, &status) == 0 else { throw .cannotOpen(path: path, errno: errno) }
        guard Self.isRegular(status) else { throw .notRegularFile(path: path) }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw .cannotOpen(path: path, errno: errno) }
        guard fstat(fd, &status) == 0 else {
            let code = errno
            closeDescriptor(fd)
            throw .cannotOpen(path: path, errno: code)
        }
        guard Self.isRegular(status) else {
            closeDescriptor(fd)
            throw .notRegularFile(path: path)
        }
        self.path = path
        self.descriptor = fd
        self.size = Int(status.st_size)
    }

    private static func isRegular(_ status: stat) -> Bool {
        (status.st_mode & S_IFMT) == S_IFREG
    }

    /// Fills `buffer` from file offset `offset`, retrying short reads and `EINTR`.
    ///
    /// - Throws: ``SafetensorsError/readFailed(path:errno:)``, with `EIO` when the file ends first
    ///   (it shrank after it was opened).
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(SafetensorsError) {
        var done = 0
        while done < buffer.count {
            guard let base = buffer.baseAddress else { return }
            let n = pread(descriptor, base + done, buffer.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw .readFailed(path: path, errno: errno)
            }
            if n == 0 { throw .readFailed(path: path, errno: EIO) }
            done += n
        }
    }

    deinit {
        closeDescriptor(descriptor)
    }
}

private func closeDescriptor(_ fd: Int32) {
    _ = close(fd)
}
