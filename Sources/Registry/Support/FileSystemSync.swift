import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// fsync of a directory, so that the names created in it survive a power cut. Stateless.
enum FileSystemSync {
    /// - Throws: ``RegistryError`` `.io` naming the directory.
    static func directory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw RegistryError.io("cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw RegistryError.io("cannot fsync \(path): \(String(cString: strerror(errno)))") }
    }
}
