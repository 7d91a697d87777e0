import LoomCore
import BlobStore
import FileBlobStore
import Crypto
import Foundation
import Testing

@Suite struct BlobWriterTests {
    @Test func writesOfEverySizeHashLikeOneShotSHA256() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let bytes = pseudoRandomBytes(40_000_000)
        // Tiny, medium, chunk-crossing and multi-chunk pieces, so staging and direct writes interleave.
        let pieces = [1, 7, 4096, 300_000, 8 << 20, 5_000_000, 17 << 20, 3, 2_500_000]
        let writer = try store.makeWriter()
        var offset = 0
        var index = 0
        try bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let count = min(pieces[index % pieces.count], raw.count - offset)
                try writer.write(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + count]))
                offset += count
                index += 1
                #expect(writer.bytesWritten == Int64(offset))
            }
        }
        let result = try writer.commit(expecting: nil, size: Int64(bytes.count))
        #expect(result.digest.bytes == Array(SHA256.hash(data: bytes)))
        #expect(try contents(of: store.path(of: result.digest)) == bytes)
    }

    @Test func droppedWriterRemovesItsTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        var path = ""
        do {
            let writer = try store.makeWriter()
            try writer.write(pseudoRandomBytes(10_000_000))
            path = writer.temporaryPath
            #expect(exists(path))
        }
        #expect(!path.isEmpty && !exists(path))
        #expect(try store.ingestFiles().isEmpty)
    }

    @Test func commitEndsTheWriter() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let writer = try store.makeWriter()
        try writer.write([1, 2, 3])
        let result = try writer.commit()
        #expect(!exists(writer.temporaryPath))
        let error = try #require(throws: BlobStoreError.self) { try writer.commit() }
        #expect(error.kind == .invalid)
        writer.abort()
        #expect(store.contains(result.digest))
    }

    @Test func temporaryFileIsNamedForItsProcess() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let writer = try store.makeWriter()
        let name = URL(fileURLWithPath: writer.temporaryPath).lastPathComponent
        #expect(writer.temporaryPath.hasPrefix(directory.path + "/store/ingest/"))
        #expect(name.hasPrefix("\(getpid())-") && name.hasSuffix(".part"))
        writer.abort()
    }
}

/// A full disk, simulated with the test hook for the write limit (LOOM_FAULT_ENOSPC_AFTER does the
/// same for a whole process).
@Suite struct FullDiskTests {
    static let limit: Int64 = 1 << 20

    private func expectFullDisk(_ error: BlobStoreError, naming culprit: String) {
        #expect(error.kind == .io)
        #expect(error.errno == ENOSPC)
        #expect(error.message.contains("No space left on device"))
        #expect(error.message.contains(culprit))
    }

    @Test func fileIngestLeavesNothingBehind() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store", writeLimitForTesting: Self.limit)
        let source = try directory.file("big.safetensors", pseudoRandomBytes(3_000_000))
        let error = try #require(throws: BlobStoreError.self) { try store.ingest(contentsOf: source) }
        expectFullDisk(error, naming: source)
        #expect(try store.ingestFiles().isEmpty)
        #expect(try store.allBlobs().isEmpty)
        #expect(names(in: directory.path + "/store/ingest").isEmpty)
    }

    @Test func streamingIngestLeavesNothingBehind() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store", writeLimitForTesting: Self.limit)
        let writer = try store.makeWriter()
        let path = writer.temporaryPath
        // Small writes are staged; the failure surfaces when a chunk is written (here, at commit).
        let error = try #require(throws: BlobStoreError.self) {
            for _ in 0..<30 { try writer.write(pseudoRandomBytes(100_000)) }
            _ = try writer.commit()
        }
        expectFullDisk(error, naming: path)
        #expect(!exists(path))
        #expect(try store.ingestFiles().isEmpty)
        #expect(try store.allBlobs().isEmpty)
    }

    @Test func bytesUnderTheLimitStillIngest() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store", writeLimitForTesting: Self.limit)
        let bytes = pseudoRandomBytes(Int(Self.limit))
        let result = try store.ingest(bytes: bytes)
        #expect(store.contains(result.digest))
        let error = try #require(throws: BlobStoreError.self) { try store.ingest(bytes: bytes + [0]) }
        expectFullDisk(error, naming: "ingest")
        #expect(try store.allBlobs().count == 1)
        #expect(try store.ingestFiles().isEmpty)
    }
}
