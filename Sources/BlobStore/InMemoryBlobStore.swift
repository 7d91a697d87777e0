public import LoomCore
import Dispatch

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A ``BlobStorage`` in memory: the second implementation that proves the seam (no files, no
/// ``LocalBlobAccess``), and a fast store for tests. Everything is lost with the instance.
///
/// Safe to use from any thread: one lock guards the committed blobs, and a commit checks and inserts
/// under it, so concurrent writers of the same bytes all succeed and exactly one reports a new blob.
/// A writer keeps its bytes to itself until commit; an aborted or dropped one leaves nothing.
public final class InMemoryBlobStore: BlobStorage, @unchecked Sendable {
    // @unchecked Sendable: `blobs` is only touched inside `queue.sync`.
    private let queue = DispatchQueue(label: "loom.blobstore.memory")
    private var blobs: [Digest: (bytes: [UInt8], committed: Date)] = [:]

    /// An empty store.
    public init() {}

    public func contains(_ digest: Digest) -> Bool {
        queue.sync { blobs[digest] != nil }
    }

    public func size(of digest: Digest) throws -> Int64 {
        guard let blob = queue.sync(execute: { blobs[digest] }) else {
            throw BlobStoreError(.notFound, "blob \(digest): not found in memory store")
        }
        return Int64(blob.bytes.count)
    }

    /// The handle holds the bytes (arrays are copy-on-write values), so it keeps reading after a delete.
    public func open(_ digest: Digest) throws -> any OpenBlob {
        guard let blob = queue.sync(execute: { blobs[digest] }) else {
            throw BlobStoreError(.notFound, "blob \(digest): not found")
        }
        return InMemoryOpenBlob(digest: digest, bytes: blob.bytes)
    }

    public func makeWriter() throws -> InMemoryBlobWriter {
        InMemoryBlobWriter(store: self)
    }

    public func delete(_ digest: Digest) throws {
        _ = queue.sync { blobs.removeValue(forKey: digest) }
    }

    public func allBlobs() throws -> [StoredBlob] {
        queue.sync {
            blobs.map { StoredBlob(digest: $0.key, size: Int64($0.value.bytes.count), modified: $0.value.committed) }
        }.sorted { $0.digest < $1.digest }
    }

    public func verify(_ digest: Digest, size expectedSize: Int64?) throws -> VerifyOutcome {
        guard let blob = queue.sync(execute: { blobs[digest] }) else { return .missing }
        let size = Int64(blob.bytes.count)
        if let expectedSize, expectedSize != size { return .wrongSize(expected: expectedSize, actual: size) }
        let actual = Digest(hashing: blob.bytes)
        return actual == digest ? .ok : .corrupt(actual: actual)
    }

    /// Inserts checked bytes unless the digest is there; true when they were inserted.
    func insert(_ bytes: [UInt8], as digest: Digest) -> Bool {
        queue.sync {
            guard blobs[digest] == nil else { return false }
            blobs[digest] = (bytes, Date())
            return true
        }
    }
}

/// The in-memory store's ``BlobWriter``: bytes gather in the writer, invisible to the store until commit.
///
/// One owner, not thread-safe, as every ``BlobWriter``.
public final class InMemoryBlobWriter: BlobWriter {
    public var bytesWritten: Int64 { Int64(bytes.count) }

    private let store: InMemoryBlobStore
    private var bytes: [UInt8] = []
    private var hasher = DigestHasher()
    private enum State: String { case open, committed, aborted }
    private var state = State.open

    init(store: InMemoryBlobStore) {
        self.store = store
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try checkOpen("write")
        do {
            try Interruption.check()
        } catch {
            abort()
            throw error
        }
        hasher.update(bytes)
        self.bytes.append(contentsOf: bytes)
    }

    public func commit(expecting expected: Digest?, size expectedSize: Int64?) throws -> IngestResult {
        try checkOpen("commit")
        let digest = hasher.finalize()
        let size = bytesWritten
        let taken = bytes
        abort()
        state = .committed
        try Interruption.check()
        if let expectedSize, expectedSize != size {
            throw BlobStoreError(.sizeMismatch, "ingest: size mismatch: expected \(expectedSize) bytes, got \(size) (content \(digest))")
        }
        if let expected, expected != digest {
            throw BlobStoreError(.digestMismatch, "ingest: digest mismatch: expected \(expected), got \(digest)")
        }
        let inserted = store.insert(taken, as: digest)
        return IngestResult(digest: digest, size: size, existed: !inserted)
    }

    public func abort() {
        guard state == .open else { return }
        state = .aborted
        bytes = []
    }

    private func checkOpen(_ operation: String) throws {
        guard state == .open else {
            throw BlobStoreError(.invalid, "ingest: \(operation) on a writer already \(state.rawValue)")
        }
    }
}

/// Bytes of an in-memory blob, read by range.
final class InMemoryOpenBlob: OpenBlob {
    let digest: Digest
    let size: Int64
    private let bytes: [UInt8]

    init(digest: Digest, bytes: [UInt8]) {
        self.digest = digest
        self.bytes = bytes
        size = Int64(bytes.count)
    }

    func read(offset: Int64, length: Int) throws -> [UInt8] {
        if let error = rangeError(offset: offset, length: length) { throw error }
        let start = Int(offset)
        return Array(bytes[start..<start + min(length, bytes.count - start)])
    }
}
