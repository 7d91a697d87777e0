import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import GRDB
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Registry

/// A settable time source for registry tests.
final class TestClock: @unchecked Sendable {
    // @unchecked: `current` is guarded by `lock`.
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date()) {
        current = start
    }

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    var function: @Sendable () -> Date { { [self] in now } }
}

/// A store for gc tests: llama-tiny with llama-qv and llama-qv-b registered, a settable clock (starting
/// at the real time, so fresh files are fresh), and ways to plant garbage with faked ages.
final class GCStore {
    static let hour: TimeInterval = 3600
    let clock = TestClock()
    let harness: RegistryHarness

    var registry: Registry { harness.registry }
    var root: String { harness.root }

    init() throws {
        harness = try RegistryHarness(clock: clock.function)
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        try harness.addAdapter("llama-qv-b")
    }

    // The SQLite catalog itself: these tests plant leases with the isStale hooks only it has.
    func catalog() throws -> SQLiteCatalog { try #require(registry.writableCatalog() as? SQLiteCatalog) }

    /// Builds llama-tiny with `adapters` one minute after the previous build, so last-used times differ.
    func build(_ adapters: [(String, Double)], dtype: ModelDType?) throws -> ArtifactRecord {
        clock.advance(by: 60)
        let request = BuildRequest(
            target: .explicit(
                base: Reference(name: "llama-tiny"),
                adapters: adapters.map { WeightedReference(reference: Reference(name: $0.0), weight: $0.1) }),
            dtype: dtype)
        return try registry.build(request).artifact
    }

    /// Runs gc at the clock's now.
    func gc(dryRun: Bool = false, maxSize: Int64? = nil, grace: Duration = .seconds(3600)) throws -> GCPlan {
        try registry.collectGarbage(GCOptions(dryRun: dryRun, maxSize: maxSize, grace: grace, now: clock.now))
    }

    // MARK: - Faking ages and planting garbage

    /// Sets the modification time of `path` (not following a symlink) to `age` seconds before the clock's now.
    func setAge(_ path: String, _ age: TimeInterval) {
        let time = clock.now.addingTimeInterval(-age).timeIntervalSince1970
        let seconds = time.rounded(.down)
        let spec = timespec(tv_sec: Int(seconds), tv_nsec: Int((time - seconds) * 1e9))
        var times = [spec, spec]
        #expect(utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) == 0, "utimensat \(path)")
    }

    func blobPath(_ digest: String) -> String { registry.blobs.path(of: Digest(parsing: digest)!) }

    func hasBlob(_ digest: String) -> Bool { registry.blobs.contains(Digest(parsing: digest)!) }

    /// An unreferenced blob holding `text`, `age` seconds old; returns its digest.
    func looseBlob(_ text: String, age: TimeInterval) throws -> String {
        let result = try registry.blobs.ingest(bytes: Array(text.utf8), expecting: nil)
        setAge(registry.blobs.path(of: result.digest), age)
        return result.digest.description
    }

    /// A file in `ingest/` as a crashed (or running) writer leaves it, `age` seconds old; returns its path.
    func ingestFile(_ name: String, bytes: Int, age: TimeInterval) throws -> String {
        try FileManager.default.createDirectory(atPath: root + "/ingest", withIntermediateDirectories: true)
        let path = root + "/ingest/" + name
        #expect(FileManager.default.createFile(atPath: path, contents: Data(repeating: 7, count: bytes)))
        setAge(path, age)
        return path
    }

    /// A rebuild's scratch directory in `ingest/` holding one file of `bytes` bytes, `age` seconds old.
    func ingestDirectory(_ name: String, bytes: Int, age: TimeInterval) throws -> String {
        let path = root + "/ingest/" + name
        try FileManager.default.createDirectory(atPath: path + "/blobs", withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: path + "/blobs/part", contents: Data(repeating: 1, count: bytes)))
        setAge(path, age)
        return path
    }

    /// An ingest file name as a writer that has exited (and been reaped) left it.
    static func abandonedIngestName() throws -> String { "\(try deadPID())-0123456789abcdef.part" }

    /// An `artifacts/` entry named `name` holding one symlink, `age` seconds old; returns its path.
    func artifactsEntry(_ name: String, age: TimeInterval) throws -> String {
        let path = registry.artifactsDirectory + "/" + name
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: path + "/config.json", withDestinationPath: "../../blobs/x")
        setAge(path, age)
        return path
    }

    /// `artifacts/<hex>` of a key no catalog row has, `age` seconds old.
    func orphanDirectory(_ seed: String, age: TimeInterval) throws -> String {
        try artifactsEntry(Digest(hashing: Array(seed.utf8)).hex, age: age)
    }

    func directory(of artifact: ArtifactRecord) -> String {
        registry.artifactsDirectory + "/" + artifact.key.dropFirst("sha256:".count)
    }

    func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Plants a lease as another process (`pid` on `host`) would have written it.
    func plantLease(_ name: String, pid: Int32, host: String = Registry.hostName, expiresIn: TimeInterval = 3600) throws {
        let now = clock.now
        try DatabaseQueue(path: registry.catalogPath).write { db in
            try db.execute(
                sql: "INSERT INTO lease (name, holder_pid, holder_host, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, pid, host, Timestamps.iso(now), Timestamps.iso(now.addingTimeInterval(expiresIn))])
        }
    }

    /// The pid of a process that has exited and been reaped, so that no process has it (for a while).
    static func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    // MARK: - Whole-store comparisons

    /// Everything observable about the store: each file (type, size, mtime, link target) and the catalog's rows.
    struct State: Equatable {
        var files: [String: String]
        var artifacts: [ArtifactRecord]
        var leases: [LeaseRecord]
        var bases: [BaseRecord]
        var adapters: [AdapterRecord]
        var events: Int
    }

    func state() throws -> State {
        var files: [String: String] = [:]
        for relative in try FileManager.default.subpathsOfDirectory(atPath: root) where !relative.hasPrefix("catalog.sqlite") {
            var info = stat()
            guard lstat(root + "/" + relative, &info) == 0 else { continue }
            let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + relative)) ?? ""
            files[relative] = "\(info.st_mode) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(target)"
        }
        let catalog = try catalog()
        return State(
            files: files, artifacts: try catalog.snapshot { try $0.artifacts(includingFiles: true) },
            leases: try catalog.leases(), bases: try catalog.bases(), adapters: try catalog.adapters(),
            events: try catalog.events(after: 0, limit: 1_000_000).count)
    }

    /// Whether every file of every artifact in the catalog has its blob.
    func everyArtifactIsComplete() throws -> Bool {
        try catalog().snapshot { try $0.artifacts(includingFiles: true) }.allSatisfy { artifact in
            (artifact.files ?? []).allSatisfy { hasBlob($0.digest) }
        }
    }
}
