import BlobStore
import FileBlobStore
import LoomCore
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `ingest(contentsOf:expecting:identity:progress:)`: a path that no longer names the checked file is
/// refused before a byte is read, and a blob is never readable by more than its source.
@Suite struct IngestIdentityTests {
    func identity(_ path: String) throws -> FileIdentity {
        let info = try #require(status(path))
        return FileIdentity(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }

    @Test func aPathNamingAnotherFileIsRefusedAndNothingIsStored() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let checked = try directory.file("checked", Array("checked".utf8))
        let other = try directory.file("other", Array("other".utf8))
        #expect(try store.ingest(contentsOf: checked, expecting: nil, identity: identity(checked), progress: nil).size == 7)
        let error = try #require(throws: BlobStoreError.self) {
            try store.ingest(contentsOf: other, expecting: nil, identity: identity(checked), progress: nil)
        }
        #expect(error.kind == .invalid)
        #expect(error.message.contains(other) && error.message.contains("no longer the file that was checked"))
        #expect(!store.contains(Digest(hashing: Array("other".utf8))))
        #expect(try store.ingestFiles().isEmpty)
    }

    @Test func aFIFOWithAnIdentityIsRefusedWithoutBlocking() throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let checked = try directory.file("checked", Array("checked".utf8))
        let fifo = directory.path + "/fifo"
        #expect(mkfifo(fifo, 0o644) == 0)
        // Without O_NONBLOCK the open would wait for a writer forever.
        let error = try #require(throws: BlobStoreError.self) {
            try store.ingest(contentsOf: fifo, expecting: nil, identity: identity(checked), progress: nil)
        }
        #expect(error.kind == .invalid)
    }

    @Test(arguments: [(mode_t(0o644), mode_t(0o444)), (0o600, 0o400), (0o640, 0o440), (0o604, 0o404), (0o200, 0o400)])
    func aBlobIsNoMoreReadableThanItsSource(source: mode_t, blob: mode_t) throws {
        let directory = try TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.path + "/store")
        let path = try directory.file("source", Array("mode \(source)".utf8))
        #expect(chmod(path, source) == 0)
        let result = try store.ingest(contentsOf: path)
        let info = try #require(status(store.path(of: result.digest)))
        // The blob's group is this process's, the source's too (same creator), so group bits carry over.
        #expect(info.st_mode & 0o7777 == blob, "source \(String(source, radix: 8))")
    }
}
