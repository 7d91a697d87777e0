import BlobStore
import FileBlobStore
import LoomCore
import Foundation
import LoomTesting
import Testing

/// The backend-neutral suite (`LoomTesting.BlobStoreConformance`), every case against every ``StoreKind``.
@Suite struct BlobStoreConformanceTests {
    @Test(arguments: StoreKind.allCases, BlobStoreConformance.cases)
    func conformance(kind: StoreKind, contract: BlobStoreConformance.Case) throws {
        let directory = try TemporaryDirectory()
        try contract.run { try kind.makeStore(in: directory) }
    }

    /// The suite can fail: a store that lists a blob it was never given breaks `listIsExact`.
    @Test func suiteCatchesABrokenStore() throws {
        let contract = try #require(BlobStoreConformance.cases.first { $0.name == "listIsExact" })
        #expect(throws: ConformanceFailure.self) { try contract.run { ListsAGhost() } }
    }
}

/// What the file store adds to the contract: its ingest directory is left empty and a commit of an
/// existing blob leaves the file alone.
@Suite struct FileSystemBlobStoreContractTests {
    @Test func commitExistingKeepsTheFile() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let bytes = pseudoRandomBytes(100_000)
        let first = try store.ingest(bytes: bytes)
        let path = store.path(of: first.digest)
        let before = try #require(status(path))
        let writer = try store.makeWriter()
        try writer.write(bytes)
        #expect(try writer.commit().existed)
        let after = try #require(status(path))
        #expect(after.st_ino == before.st_ino)
        #expect(after.st_ctim.tv_sec == before.st_ctim.tv_sec && after.st_ctim.tv_nsec == before.st_ctim.tv_nsec)
        #expect(try contents(of: path) == bytes)
        #expect(try store.ingestFiles().isEmpty)
    }

    @Test func refusedAndAbortedWritesLeaveNoIngestFile() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let writer = try store.makeWriter()
        try writer.write(pseudoRandomBytes(20_000_000))
        #expect(try store.ingestFiles().count == 1)
        writer.abort()
        #expect(try store.ingestFiles().isEmpty)
        _ = try? store.ingest(bytes: pseudoRandomBytes(10_000), expecting: Digest(hashing: Array("other".utf8)))
        let sized = try store.makeWriter()
        try sized.write(pseudoRandomBytes(1000))
        _ = try? sized.commit(size: 999)
        #expect(try store.ingestFiles().isEmpty)
        #expect(try store.allBlobs().isEmpty)
    }

    @Test func concurrentWritersLeaveNoIngestFile() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let bytes = pseudoRandomBytes(12_000_000)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in _ = try? store.ingest(bytes: bytes) }
        #expect(try store.allBlobs().map(\.size) == [Int64(bytes.count)])
        #expect(try store.ingestFiles().isEmpty)
    }
}

/// A broken store: an in-memory store that also lists a blob it never committed.
private struct ListsAGhost: BlobStorage {
    let real = InMemoryBlobStore()

    func contains(_ digest: Digest) -> Bool { real.contains(digest) }
    func size(of digest: Digest) throws -> Int64 { try real.size(of: digest) }
    func open(_ digest: Digest) throws -> any OpenBlob { try real.open(digest) }
    func makeWriter() throws -> InMemoryBlobWriter { try real.makeWriter() }
    func delete(_ digest: Digest) throws { try real.delete(digest) }
    func verify(_ digest: Digest, size: Int64?) throws -> VerifyOutcome { try real.verify(digest, size: size) }
    func allBlobs() throws -> [StoredBlob] {
        try real.allBlobs() + [StoredBlob(digest: Digest(hashing: Array("ghost".utf8)), size: 5, modified: Date())]
    }
}
