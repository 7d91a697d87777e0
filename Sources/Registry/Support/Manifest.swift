import BlobStore
import LoomCore
import LoomJSON

/// The canonical manifest of a set of stored files and its digest: what names a base, adapter or artifact.
///
/// Canonical form: the compact JSON array `[[path, digest, size], …]` sorted by path (UTF-8 byte order).
/// Two registrations of the same files give the same digest whatever the directory they came from.
struct Manifest {
    struct Entry: Equatable {
        var path: String
        var digest: Digest
        var size: Int64
    }

    let entries: [Entry]

    init(_ entries: [Entry]) {
        self.entries = entries.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
    }

    var json: JSONValue {
        .array(entries.map { .array([.string($0.path), .string($0.digest.description), .int($0.size)]) })
    }

    var digest: Digest { Digest(hashing: JSONWriter.canonical.bytes(json)) }

    var totalSize: Int64 { entries.reduce(0) { $0 + $1.size } }
}
