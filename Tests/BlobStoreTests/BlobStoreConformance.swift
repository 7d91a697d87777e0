import BlobStore
import LoomCore
import Crypto
import Foundation
import Testing

/// The cases every ``BlobStore`` must pass (style rule 13), run against each ``StoreKind``.
@Suite struct BlobStoreConformance {
    @Test(arguments: StoreKind.allCases)
    func ingestThenRead(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        let store = try kind.makeStore(in: directory)
        let bytes = Array("hello, blobs".utf8)
        let result = try store.ingest(bytes: bytes)
        #expect(result.digest == LoomCore.Digest(hashing: bytes))
        #expect(result.size == Int64(bytes.count))
        #expect(!result.existed)
        #expect(store.contains(result.digest))
        #expect(try store.size(of: result.digest) == Int64(bytes.count))
        #expect(try contents(of: store.path(of: result.digest)) == bytes)
        #expect(try store.ingestFiles().isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func commitExisting(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        let store = try kind.makeStore(in: directory)
        let bytes = pseudoRandomBytes(100_000)
        let first = try store.ingest(bytes: bytes)
        let path = store.path(of: first.digest)
        let before = try #require(status(path))

        let writer = try store.makeWriter()
        try writer.write(bytes)
        let second = try writer.commit()

        #expect(second.existed)
        #expect(second.digest == first.digest)
        let after = try #require(status(path))
        #expect(after.st_ino == before.st_ino)
        #expect(after.st_ctim.tv_sec == before.st_ctim.tv_sec && after.st_ctim.tv_nsec == before.st_ctim.tv_nsec)
        #expect(try store.allBlobs().map(\.digest) == [first.digest])
        #expect(try store.ingestFiles().isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func abortIngest(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        let store = try kind.makeStore(in: directory)
        let writer = try store.makeWriter()
        try writer.write(pseudoRandomBytes(20_000_000))
        #expect(try store.ingestFiles().count == 1)
        writer.abort()
        writer.abort()
        #expect(try store.ingestFiles().isEmpty)
        #expect(try store.allBlobs().isEmpty)
        let error = try #require(throws: BlobStoreError.self) { try writer.write([1, 2, 3]) }
        #expect(error.kind == .invalid)
    }

    @Test(arguments: StoreKind.allCases)
    func digestMismatch(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        let store = try kind.makeStore(in: directory)
        let bytes = pseudoRandomBytes(10_000)
        let wrong = LoomCore.Digest(hashing: Array("something else".utf8))
        let error = try #require(throws: BlobStoreError.self) { try store.ingest(bytes: bytes, expecting: wrong) }
        #expect(error.kind == .digestMismatch)
        #expect(error.message.contains(wrong.description))
        #expect(error.message.contains(LoomCore.Digest(hashing: bytes).description))
        #expect(try store.allBlobs().isEmpty)
        #expect(try store.ingestFiles().isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func sizeMismatch(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        let store = try kind.makeStore(in: directory)
        let writer = try store.makeWriter()
        try writer.write(pseudoRandomBytes(1000))
        let error = try #require(throws: BlobStoreError.self) { try writer.commit(size: 999) }
        #expect(error.kind == .sizeMismatch)
        #expect(error.message.contains("999") && error.message.contains("1000"))
        #expect(try store.allBlobs().isEmpty)
        #expect(try store.ingestFiles().isEmpty)
    }

    @Test(arguments: StoreKind.allCases)
    func concurrentIngestSameDigest(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        let store = try kind.makeStore(in: directory)
        let bytes = pseudoRandomBytes(12_000_000)
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            outcomes.record(Result { try store.ingest(bytes: bytes) })
        }
        let results = try outcomes.all.map { try $0.get() }
        #expect(results.count == 8)
        #expect(Set(results.map(\.digest)) == [LoomCore.Digest(hashing: bytes)])
        #expect(results.filter { !$0.existed }.count == 1)
        #expect(try store.allBlobs().map(\.size) == [Int64(bytes.count)])
        #expect(try store.ingestFiles().isEmpty)
        #expect(try store.verify(LoomCore.Digest(hashing: bytes)) == .ok)
    }

    @Test(arguments: StoreKind.allCases)
    func verifyReportsMissingAndWrongSize(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        let store = try kind.makeStore(in: directory)
        let bytes = pseudoRandomBytes(5000)
        let digest = try store.ingest(bytes: bytes).digest
        #expect(try store.verify(digest) == .ok)
        #expect(try store.verify(digest, size: 5000) == .ok)
        #expect(try store.verify(digest, size: 4999) == .wrongSize(expected: 4999, actual: 5000))
        let absent = LoomCore.Digest(hashing: Array("absent".utf8))
        #expect(try store.verify(absent) == .missing)
        #expect(try store.verify(absent).finding(for: absent) == "blob \(absent): missing")
    }

    @Test(arguments: StoreKind.allCases)
    func deleteIsIdempotent(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        let store = try kind.makeStore(in: directory)
        let digest = try store.ingest(bytes: pseudoRandomBytes(300)).digest
        try store.delete(digest)
        #expect(!store.contains(digest))
        try store.delete(digest)
        #expect(try store.allBlobs().isEmpty)
        #expect(throws: BlobStoreError.self) { try store.size(of: digest) }
    }

    @Test(arguments: StoreKind.allCases)
    func allBlobsListsWithSizes(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        let store = try kind.makeStore(in: directory)
        let inputs = [pseudoRandomBytes(10, seed: 1), pseudoRandomBytes(2000, seed: 2), [], pseudoRandomBytes(70_000, seed: 3)]
        let started = Date().addingTimeInterval(-5)
        for bytes in inputs { _ = try store.ingest(bytes: bytes) }
        let expected = inputs.map { (LoomCore.Digest(hashing: $0), Int64($0.count)) }.sorted { $0.0 < $1.0 }
        let listed = try store.allBlobs()
        #expect(listed.map(\.digest) == expected.map(\.0))
        #expect(listed.map(\.size) == expected.map(\.1))
        #expect(listed.allSatisfy { $0.modified > started })
    }

    @Test(arguments: StoreKind.allCases)
    func sizeOfAbsentBlobIsNotFound(kind: StoreKind) throws {
        let directory = try TemporaryDirectory()
        let store = try kind.makeStore(in: directory)
        let absent = LoomCore.Digest(hashing: Array("nothing".utf8))
        let error = try #require(throws: BlobStoreError.self) { try store.size(of: absent) }
        #expect(error.kind == .notFound)
        #expect(error.message.contains(absent.description))
    }
}

/// Results gathered from concurrent workers.
// @unchecked Sendable: every access to `results` holds `lock`.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<IngestResult, any Error>] = []

    func record(_ result: Result<IngestResult, any Error>) {
        lock.withLock { results.append(result) }
    }

    var all: [Result<IngestResult, any Error>] { lock.withLock { results } }
}
