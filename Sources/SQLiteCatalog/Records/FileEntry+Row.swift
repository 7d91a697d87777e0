internal import GRDB
internal import LoomCore
internal import LoomJSON
internal import Foundation

/// Decoding a `FileEntry` from its SQLite row.
extension FileEntry {
    init(row: Row) throws {
        let path: String = try row.decode(forColumn: "path")
        let digest: String = try row.decode(forColumn: "digest")
        let size: Int64 = try row.decode(forColumn: "size")
        self.init(path: path, digest: digest, size: size)
    }
}
