public import LoomCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import BlobStore

/// Where things live under a store root (docs/architecture.md "On disk"), the file store's layout and nobody
/// else's: `blobs/sha256/<first 2 hex>/<64 hex>` for blobs, `ingest/<pid>-<random>.part` for in-flight
/// writes.
struct StoreLayout: Sendable {
    /// The absolute root, without a trailing slash (except for `/` itself).
    let root: String

    var blobsDirectory: String { join(root, "blobs") }
    var digestDirectory: String { join(blobsDirectory, "sha256") }
    var ingestDirectory: String { join(root, "ingest") }

    /// `blobs/sha256/<xx>`: the fan-out directory that holds the blob.
    func fanOutDirectory(of digest: Digest) -> String {
        join(digestDirectory, String(digest.hex.prefix(2)))
    }

    func path(of digest: Digest) -> String {
        join(root, Self.relativePath(of: digest))
    }

    /// `blobs/sha256/<xx>/<hex>`, relative to the root.
    static func relativePath(of digest: Digest) -> String {
        let hex = digest.hex
        return "blobs/sha256/" + hex.prefix(2) + "/" + hex
    }

    /// A fresh ingest file name: unique across processes (pid) and writers (64 random bits).
    func newIngestPath() -> String {
        let random = String(UInt64.random(in: .min ... .max), radix: 16)
        let padded = String(repeating: "0", count: 16 - random.count) + random
        return join(ingestDirectory, "\(getpid())-\(padded).part")
    }

    private func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
