public import LoomCore
public import BlobStore
import Foundation

/// The cases every ``BlobStorage`` must pass, whatever its backend (style rule 13): a test target runs
/// each of ``cases`` against each implementation it has (files and memory today; the object store next),
/// giving every case a fresh, empty store from its factory.
///
/// Backend-neutral on purpose: the cases use the protocols only (no paths, no ingest directory), and
/// report a broken contract by throwing ``ConformanceFailure`` naming it, so any test framework can run them.
public enum BlobStoreConformance {
    /// Makes a fresh, empty store. Called once per case.
    public typealias Factory = () throws -> any BlobStorage

    /// One contract, runnable against a store factory.
    public struct Case: Sendable, CustomStringConvertible {
        /// The behaviour checked, as a test name.
        public let name: String
        let body: @Sendable (any BlobStorage) throws -> Void

        /// Runs the case on a fresh store from `factory`.
        /// - Throws: ``ConformanceFailure`` when the store breaks the contract, or what the store threw.
        public func run(_ factory: Factory) throws {
            try body(try factory())
        }

        public var description: String { name }
    }

    /// Every case, in a stable order.
    public static let cases: [Case] = [
        Case(name: "ingestThenRead", body: ingestThenRead),
        Case(name: "commitExistingReportsExisted", body: commitExistingReportsExisted),
        Case(name: "digestMismatchStoresNothing", body: digestMismatchStoresNothing),
        Case(name: "sizeMismatchStoresNothing", body: sizeMismatchStoresNothing),
        Case(name: "partialWriteIsNeverVisible", body: partialWriteIsNeverVisible),
        Case(name: "rangedReadsAtTheEdges", body: rangedReadsAtTheEdges),
        Case(name: "emptyBlob", body: emptyBlob),
        Case(name: "concurrentWritersOfOneDigest", body: concurrentWritersOfOneDigest),
        Case(name: "deleteIsIdempotent", body: deleteIsIdempotent),
        Case(name: "listIsExact", body: listIsExact),
        Case(name: "absentBlobIsNotFound", body: absentBlobIsNotFound),
        Case(name: "verifyReportsMissingAndWrongSize", body: verifyReportsMissingAndWrongSize),
    ]

    static func ingestThenRead(_ store: any BlobStorage) throws {
        let bytes = Array("hello, blobs".utf8)
        let result = try store.ingest(bytes: bytes)
        try expect(result.digest == Digest(hashing: bytes), "ingest names the bytes by their digest")
        try expect(result.size == Int64(bytes.count) && !result.existed, "a first ingest is new, with its size")
        try expect(store.contains(result.digest), "an ingested blob is contained")
        try expect(try store.size(of: result.digest) == Int64(bytes.count), "size(of:) is the ingested size")
        let blob = try store.open(result.digest)
        try expect(blob.digest == result.digest && blob.size == Int64(bytes.count), "open gives digest and size")
        try expect(try blob.readAll() == bytes, "reading the whole blob gives the bytes back")
    }

    static func commitExistingReportsExisted(_ store: any BlobStorage) throws {
        let bytes = ConformanceBytes.pseudoRandom(100_000)
        let first = try store.ingest(bytes: bytes)
        let writer = try store.makeWriter()
        try writer.write(bytes)
        let second = try writer.commit()
        try expect(second.existed && second.digest == first.digest, "a second commit of the same bytes says existed")
        try expect(try store.allBlobs().map(\.digest) == [first.digest], "one blob for the same bytes")
        try expect(try store.open(first.digest).readAll() == bytes, "the existing blob is unchanged")
    }

    static func digestMismatchStoresNothing(_ store: any BlobStorage) throws {
        let bytes = ConformanceBytes.pseudoRandom(10_000)
        let wrong = Digest(hashing: Array("something else".utf8))
        let error = try expectError { try store.ingest(bytes: bytes, expecting: wrong) }
        try expect(error.kind == .digestMismatch, "a wrong expected digest is a digestMismatch, not \(error.kind)")
        try expect(
            error.message.contains(wrong.description) && error.message.contains(Digest(hashing: bytes).description),
            "the mismatch names both digests: \(error.message)")
        let writer = try store.makeWriter()
        try writer.write(bytes)
        let streamed = try expectError { try writer.commit(expecting: wrong) }
        try expect(streamed.kind == .digestMismatch, "a streamed commit with a wrong digest is refused")
        try expect(try store.allBlobs().isEmpty, "a refused ingest stores nothing")
        try expect(!store.contains(Digest(hashing: bytes)), "not even under the bytes' own digest")
    }

    static func sizeMismatchStoresNothing(_ store: any BlobStorage) throws {
        let bytes = ConformanceBytes.pseudoRandom(1000)
        let writer = try store.makeWriter()
        try writer.write(bytes)
        let error = try expectError { try writer.commit(expecting: Digest(hashing: bytes), size: 999) }
        try expect(error.kind == .sizeMismatch, "a wrong expected size is a sizeMismatch, not \(error.kind)")
        try expect(error.message.contains("999") && error.message.contains("1000"), "it names both sizes: \(error.message)")
        try expect(try store.allBlobs().isEmpty && !store.contains(Digest(hashing: bytes)), "nothing is stored")
        let again = try expectError { try writer.commit() }
        try expect(again.kind == .invalid, "a writer ended by a failed commit refuses another")
    }

    static func partialWriteIsNeverVisible(_ store: any BlobStorage) throws {
        let bytes = ConformanceBytes.pseudoRandom(3_000_000)
        let digest = Digest(hashing: bytes)
        let open = try store.makeWriter()
        try open.write(bytes)
        try expect(!store.contains(digest) && (try store.allBlobs()).isEmpty, "an uncommitted write is invisible")
        try expect(open.bytesWritten == Int64(bytes.count), "bytesWritten counts the bytes taken")
        open.abort()
        open.abort()
        try expect(!store.contains(digest) && (try store.allBlobs()).isEmpty, "an aborted write leaves nothing")
        let late = try expectError { try open.write([1, 2, 3]) }
        try expect(late.kind == .invalid, "writing after abort is invalid, not \(late.kind)")
        do {
            let dropped = try store.makeWriter()
            try dropped.write(bytes)
        }
        try expect(!store.contains(digest) && (try store.allBlobs()).isEmpty, "a dropped writer leaves nothing")
    }

    static func rangedReadsAtTheEdges(_ store: any BlobStorage) throws {
        let bytes = ConformanceBytes.pseudoRandom(5000)
        let blob = try store.open(try store.ingest(bytes: bytes).digest)
        try expect(try blob.read(offset: 0, length: 10) == Array(bytes[0..<10]), "a read at offset 0")
        try expect(try blob.read(offset: 4999, length: 1) == [bytes[4999]], "a read of the last byte")
        try expect(try blob.read(offset: 4990, length: 100) == Array(bytes[4990...]), "past the end: the short tail")
        try expect(try blob.read(offset: 5000, length: 10) == [], "at the end: no bytes")
        try expect(try blob.read(offset: 17, length: 0) == [], "zero length: no bytes")
        try expect(try blob.read(offset: 1234, length: 2000) == Array(bytes[1234..<3234]), "a range in the middle")
        for (offset, length) in [(5001, 1), (-1, 1), (0, -1)] as [(Int64, Int)] {
            let error = try expectError { try blob.read(offset: offset, length: length) }
            try expect(error.kind == .invalid, "range \(offset)+\(length) is invalid, not \(error.kind)")
        }
    }

    static func emptyBlob(_ store: any BlobStorage) throws {
        let result = try store.ingest(bytes: [UInt8]())
        try expect(result.digest == Digest(hashing: [UInt8]()) && result.size == 0, "an empty blob is a blob")
        let blob = try store.open(result.digest)
        try expect(blob.size == 0 && (try blob.read(offset: 0, length: 10)) == [], "reading it gives no bytes")
        try expect(try store.allBlobs().map(\.size) == [0], "it is listed with size 0")
    }

    static func concurrentWritersOfOneDigest(_ store: any BlobStorage) throws {
        let bytes = ConformanceBytes.pseudoRandom(2_000_000)
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            outcomes.record(Result { try store.ingest(bytes: bytes) })
        }
        let results = try outcomes.all.map { try $0.get() }
        try expect(results.count == 8 && Set(results.map(\.digest)) == [Digest(hashing: bytes)], "every writer succeeds")
        try expect(results.filter { !$0.existed }.count == 1, "exactly one writer makes the blob")
        try expect(try store.allBlobs().map(\.size) == [Int64(bytes.count)], "one blob results")
        try expect(try store.verify(Digest(hashing: bytes)) == .ok, "with the right bytes")
    }

    static func deleteIsIdempotent(_ store: any BlobStorage) throws {
        let digest = try store.ingest(bytes: ConformanceBytes.pseudoRandom(300)).digest
        try store.delete(digest)
        try expect(!store.contains(digest), "a deleted blob is gone")
        try store.delete(digest)
        try store.delete(Digest(hashing: Array("never stored".utf8)))
        try expect(try store.allBlobs().isEmpty, "deleting twice, or what never was, is a success")
        let again = try store.ingest(bytes: ConformanceBytes.pseudoRandom(300))
        try expect(!again.existed && store.contains(digest), "the same bytes can be ingested again")
    }

    static func listIsExact(_ store: any BlobStorage) throws {
        let inputs = [1, 2, 3, 4].map { ConformanceBytes.pseudoRandom($0 * 999, seed: UInt64($0)) } + [[]]
        let started = Date().addingTimeInterval(-5)
        for bytes in inputs { _ = try store.ingest(bytes: bytes) }
        let pending = try store.makeWriter()
        try pending.write(ConformanceBytes.pseudoRandom(100, seed: 99))
        let removed = Digest(hashing: inputs[1])
        try store.delete(removed)
        let expected = inputs.map { (Digest(hashing: $0), Int64($0.count)) }.filter { $0.0 != removed }.sorted { $0.0 < $1.0 }
        let listed = try store.allBlobs()
        try expect(listed.map(\.digest) == expected.map(\.0), "the list is every committed blob, in digest order")
        try expect(listed.map(\.size) == expected.map(\.1), "with its size")
        try expect(listed.allSatisfy { $0.modified > started }, "and its commit time")
        pending.abort()
    }

    static func absentBlobIsNotFound(_ store: any BlobStorage) throws {
        let absent = Digest(hashing: Array("nothing".utf8))
        try expect(!store.contains(absent), "an empty store contains nothing")
        let size = try expectError { try store.size(of: absent) }
        try expect(size.kind == .notFound && size.message.contains(absent.description), "size(of:) says notFound")
        let open = try expectError { try store.open(absent) }
        try expect(open.kind == .notFound, "open says notFound, not \(open.kind)")
    }

    static func verifyReportsMissingAndWrongSize(_ store: any BlobStorage) throws {
        let digest = try store.ingest(bytes: ConformanceBytes.pseudoRandom(5000)).digest
        try expect(try store.verify(digest) == .ok && (try store.verify(digest, size: 5000)) == .ok, "verify ok")
        try expect(try store.verify(digest, size: 4999) == .wrongSize(expected: 4999, actual: 5000), "wrong size")
        let absent = Digest(hashing: Array("absent".utf8))
        try expect(try store.verify(absent) == .missing, "an absent blob verifies as missing")
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

/// ``expectError(_:line:_:)`` for the blob store's own error type.
private func expectError<T>(line: UInt = #line, _ body: () throws -> T) throws -> BlobStoreError {
    try expectError(BlobStoreError.self, line: line, body)
}
