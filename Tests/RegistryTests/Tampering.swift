import Foundation
import GRDB
import Testing

/// Damages a store the way an attacker or a failing disk would, without going through loom.
enum Tampering {
    /// Runs raw SQL on the catalog file over its own connection (no loom code, no transaction of loom's).
    static func sql(_ catalogPath: String, _ statements: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: catalogPath, configuration: configuration)
        try queue.writeWithoutTransaction { db in try db.execute(sql: statements) }
        try queue.close()
    }

    /// Inverts the bits of one byte of a (read-only) blob file in place, making it writable first.
    static func flipByte(of path: String, at offset: UInt64 = 0) throws {
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        try handle.seek(toOffset: offset)
        let byte = try #require(try handle.read(upToCount: 1)?.first)
        try handle.seek(toOffset: offset)
        try handle.write(contentsOf: [~byte])
    }
}
