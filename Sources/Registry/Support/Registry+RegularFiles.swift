import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Registry {
    /// Opens `path` (symlinks followed) for reading, refusing anything but a regular file before a
    /// byte is read: the open does not block (`O_NONBLOCK`, so a FIFO cannot hang it) and `fstat` on
    /// the descriptor decides, so a device such as `/dev/zero` is never read either.
    ///
    /// - Returns: the handle (it owns the descriptor) and the file's size when opened.
    /// - Throws: ``RegistryError`` `.invalid` naming `shown` and what it is for a non-regular file, `.io`
    ///   when it cannot be opened (a missing file included).
    static func openRegularFile(_ path: String, shown: String) throws(RegistryError) -> (handle: FileHandle, size: Int64) {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            throw .io("cannot open \(shown): \(String(cString: strerror(code)))")
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let code = errno
            close(fd)
            throw .io("cannot stat \(shown): \(String(cString: strerror(code)))")
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw .invalid("refusing \(shown): \(Self.kindOfNonRegularFile(st.st_mode)), not a regular file")
        }
        return (FileHandle(fileDescriptor: fd, closeOnDealloc: true), Int64(st.st_size))
    }

    /// "it is a FIFO", "it is a directory", … for a mode that is not a regular file's.
    static func kindOfNonRegularFile(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: "it is a directory"
        case S_IFIFO: "it is a FIFO"
        case S_IFCHR, S_IFBLK: "it is a device file"
        case S_IFSOCK: "it is a socket"
        default: "it is a special file"
        }
    }
}
