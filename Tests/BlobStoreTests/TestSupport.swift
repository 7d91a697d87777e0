import LoomCore
import BlobStore
import FileBlobStore
import Foundation

/// A fresh directory under the system temporary directory, removed (with everything in it) on deinit.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "/loom-blobstore-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `bytes` to a new file `name` in this directory and returns its path.
    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let file = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        return file
    }
}

/// Deterministic pseudo-random bytes (xorshift), so failures reproduce.
func pseudoRandomBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var bytes = [UInt8](repeating: 0, count: count)
    bytes.withUnsafeMutableBytes { raw in
        var index = 0
        while index < count {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            withUnsafeBytes(of: state) { word in
                let n = min(8, count - index)
                raw.baseAddress!.advanced(by: index).copyMemory(from: word.baseAddress!, byteCount: n)
                index += n
            }
        }
    }
    return bytes
}

func contents(of path: String) throws -> [UInt8] {
    Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

func status(_ path: String) -> stat? {
    var info = stat()
    return lstat(path, &info) == 0 ? info : nil
}

func exists(_ path: String) -> Bool { status(path) != nil }

/// Names in a directory, or [] when it does not exist.
func names(in directory: String) -> [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
}

/// The store kinds every conformance case runs against.
enum StoreKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case fileSystem
    case inMemory

    var description: String { rawValue }

    func makeStore(in directory: TemporaryDirectory) throws -> any BlobStorage {
        switch self {
        case .fileSystem: try FileSystemBlobStore(root: directory.path + "/store")
        case .inMemory: InMemoryBlobStore()
        }
    }
}
