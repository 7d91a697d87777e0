import BlobStore
import FileBlobStore
import LoomCore
import Crypto
import Foundation
import Testing

@Suite struct FileSystemBlobStoreTests {
    @Test func blobFileIsReadOnlyUnderItsFanOutDirectory() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let digest = try store.ingest(bytes: pseudoRandomBytes(1234)).digest
        let path = store.path(of: digest)
        #expect(path == "\(directory.path)/store/blobs/sha256/\(digest.hex.prefix(2))/\(digest.hex)")
        let info = try #require(status(path))
        #expect(info.st_mode & 0o7777 == 0o444)
        #expect(info.st_mode & S_IFMT == S_IFREG)
    }

    @Test func readsDoNotCreateTheStore() throws {
        let directory = try TemporaryDirectory()
        let root = directory.path + "/never-written"
        let store = try FileSystemBlobStore(root: root)
        let digest = LoomCore.Digest(hashing: Array("x".utf8))
        #expect(!store.contains(digest))
        #expect(throws: BlobStoreError.self) { try store.size(of: digest) }
        #expect(try store.allBlobs().isEmpty)
        #expect(try store.strayFiles().isEmpty)
        #expect(try store.ingestFiles().isEmpty)
        #expect(try store.verify(digest) == .missing)
        try store.delete(digest)
        try store.removeIngestFile(root + "/ingest/1-0.part")
        #expect(!exists(root))
    }

    @Test func rootMustBeAbsolute() throws {
        let error = try #require(throws: BlobStoreError.self) { try FileSystemBlobStore(root: "relative/store") }
        #expect(error.kind == .invalid)
        #expect(try FileSystemBlobStore(root: "/tmp/x///").root == "/tmp/x")
    }

    @Test func ingestOfEmptyFile() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let result = try store.ingest(contentsOf: try directory.file("empty", []))
        #expect(result.digest.description == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(result.size == 0)
        #expect(try contents(of: store.path(of: result.digest)).isEmpty)
    }

    @Test func largeFileHashesLikeOneShotSHA256() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        // Several 8 MiB chunks and a ragged tail, so the hash lags the copy and windows are unmapped.
        let bytes = pseudoRandomBytes(45_000_017)
        let source = try directory.file("big", bytes)
        var reported: [Int64] = []
        let result = try store.ingest(contentsOf: source, expecting: nil) { reported.append($0) }
        let reference = Array(SHA256.hash(data: bytes))
        #expect(result.digest.bytes == reference)
        #expect(result.size == Int64(bytes.count))
        #expect(!result.existed)
        #expect(reported == reported.sorted() && reported.last == Int64(bytes.count) && reported.count >= 5)
        #expect(try contents(of: store.path(of: result.digest)) == bytes)
        #expect(try store.ingestFiles().isEmpty)
    }

    @Test func ingestExpectingAnExistingBlobCopiesNothing() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let bytes = pseudoRandomBytes(9_000_000)
        let source = try directory.file("model.bin", bytes)
        let first = try store.ingest(contentsOf: source)
        let before = try #require(status(store.path(of: first.digest)))
        let again = try store.ingest(contentsOf: source, expecting: first.digest, progress: nil)
        #expect(again == IngestResult(digest: first.digest, size: first.size, existed: true))
        #expect(status(store.path(of: first.digest))?.st_ctim.tv_nsec == before.st_ctim.tv_nsec)

        let other = try directory.file("other.bin", pseudoRandomBytes(100))
        let error = try #require(throws: BlobStoreError.self) {
            try store.ingest(contentsOf: other, expecting: first.digest, progress: nil)
        }
        #expect(error.kind == .digestMismatch)
        #expect(error.message.contains(other) && error.message.contains(first.digest.description))
        #expect(try store.allBlobs().count == 1)
    }

    @Test func ingestOfMissingFileIsNotFound() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let error = try #require(throws: BlobStoreError.self) { try store.ingest(contentsOf: directory.path + "/nope") }
        #expect(error.kind == .notFound)
        #expect(error.message.contains(directory.path + "/nope"))
        #expect(!exists(directory.path + "/store"))
    }

    @Test func ingestFromAPipeStreams() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let fifo = directory.path + "/fifo"
        #expect(mkfifo(fifo, 0o600) == 0)
        let bytes = pseudoRandomBytes(3_000_000)
        let feeder = Thread {
            let handle = FileHandle(forWritingAtPath: fifo)
            handle?.write(Data(bytes))
            try? handle?.close()
        }
        feeder.start()
        let result = try store.ingest(contentsOf: fifo)
        #expect(result.digest == LoomCore.Digest(hashing: bytes))
        #expect(try contents(of: store.path(of: result.digest)) == bytes)
    }

    @Test func verifyDetectsAFlippedByteAndNamesTheDigest() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let bytes = pseudoRandomBytes(20_000)
        let digest = try store.ingest(bytes: bytes).digest
        let path = store.path(of: digest)
        #expect(chmod(path, 0o644) == 0)
        var flipped = bytes
        flipped[12_345] ^= 0x01
        try Data(flipped).write(to: URL(fileURLWithPath: path))
        let outcome = try store.verify(digest)
        #expect(outcome == .corrupt(actual: LoomCore.Digest(hashing: flipped)))
        let finding = try #require(outcome.finding(for: digest))
        #expect(finding.contains(digest.description))
        #expect(finding.contains(LoomCore.Digest(hashing: flipped).description))
    }

    @Test func commitWhenTheBlobAppearsMeanwhileDiscardsTheCopy() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let bytes = pseudoRandomBytes(3_000_000)
        let writer = try store.makeWriter()
        try writer.write(bytes)
        let other = try store.ingest(bytes: bytes)
        #expect(!other.existed)
        let before = try #require(status(store.path(of: other.digest)))
        let result = try writer.commit(expecting: other.digest)
        #expect(result.existed)
        #expect(!exists(writer.temporaryPath))
        #expect(status(store.path(of: other.digest))?.st_ino == before.st_ino)
        #expect(try store.ingestFiles().isEmpty)
    }

    @Test func strayFilesAreReportedNotListedAsBlobs() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let digest = try store.ingest(bytes: pseudoRandomBytes(50)).digest
        let sha = directory.path + "/store/blobs/sha256"
        let wrongFan = digest.hex.hasPrefix("00") ? "01" : "00"
        try FileManager.default.createDirectory(atPath: "\(sha)/\(wrongFan)", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: "\(sha)/zz", withIntermediateDirectories: true)
        let strays = ["\(sha)/\(wrongFan)/\(digest.hex)", "\(sha)/\(digest.hex.prefix(2))/notes.txt", "\(sha)/README"]
        for path in strays { #expect(FileManager.default.createFile(atPath: path, contents: Data([1]))) }
        #expect(try store.allBlobs().map(\.digest) == [digest])
        #expect(Set(try store.strayFiles().map(\.path)) == Set(strays + ["\(sha)/zz"]))
    }

    @Test func ingestFilesCanBeListedAndRemoved() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let writer = try store.makeWriter()
        try writer.write(pseudoRandomBytes(10))
        _ = try writer.commit()  // creates ingest/
        let leftover = directory.path + "/store/ingest/99-dead.part"
        #expect(FileManager.default.createFile(atPath: leftover, contents: Data([1, 2, 3])))
        let listed = try store.ingestFiles()
        #expect(listed.map(\.path) == [leftover])
        #expect(listed.first?.size == 3)
        try store.removeIngestFile(leftover)
        try store.removeIngestFile(leftover)
        #expect(try store.ingestFiles().isEmpty)
        for outside in [directory.path + "/store/blobs", directory.path + "/store/ingest/../x", "relative.part"] {
            let error = try #require(throws: BlobStoreError.self) { try store.removeIngestFile(outside) }
            #expect(error.kind == .invalid)
        }
    }
}
