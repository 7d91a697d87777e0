import Crypto
import Foundation
import GRDB
import LoomJSON
import Safetensors

#if canImport(Glibc)
import Glibc
#endif

/// Looks at a store from outside, without loom's code: the catalog through raw SQL, blobs hashed with an
/// independent sha256, `artifacts/<hex>/` directories followed link by link.
///
/// The crash, concurrency and gc race tests use it to say what a killed or racing command left behind.
/// Every method reads the store afresh (no caching); safe to call while no `loom` process runs, and for the
/// catalog reads also while some do (SQLite gives each read one snapshot).
struct StoreInspector {
    /// The store root (the directory holding `catalog.sqlite`).
    let root: String

    /// One file of an artifact's manifest.
    struct File: Equatable, CustomStringConvertible {
        var path: String
        var digest: String
        var size: Int64
        var description: String { "\(path) \(digest) (\(size) bytes)" }
    }

    /// One artifact row with its manifest, sorted by path.
    struct Artifact: Equatable {
        var key: String
        var files: [File]
        /// The 64 hex digits: the name of its `artifacts/` directory.
        var hex: String { String(key.dropFirst("sha256:".count)) }
    }

    /// One lease row.
    struct Lease: Equatable {
        var name: String
        var pid: Int64
        var host: String
        var expiresAt: String
    }

    /// Opens the catalog for one short read or write; waits up to 30 s for a loom writer.
    func database() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        return try DatabaseQueue(path: root + "/catalog.sqlite", configuration: configuration)
    }

    /// Every artifact row and its files, by key.
    func artifacts() throws -> [Artifact] {
        try database().read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT a.key, f.path, f.digest, f.size FROM artifact a JOIN artifact_file f ON f.artifact_id = a.id
                    ORDER BY a.key, f.path
                    """)
            var out: [Artifact] = []
            for row in rows {
                let key: String = row["key"]
                let file = File(path: row["path"], digest: row["digest"], size: row["size"])
                if out.last?.key == key { out[out.count - 1].files.append(file) } else { out.append(Artifact(key: key, files: [file])) }
            }
            return out
        }
    }

    /// Every lease row, by name.
    func leases() throws -> [Lease] {
        try database().read { db in
            try Row.fetchAll(db, sql: "SELECT name, holder_pid, holder_host, expires_at FROM lease ORDER BY name").map {
                Lease(name: $0["name"], pid: $0["holder_pid"], host: $0["holder_host"], expiresAt: $0["expires_at"])
            }
        }
    }

    /// The kind of every event, oldest first.
    func eventKinds() throws -> [String] {
        try database().read { db in try String.fetchAll(db, sql: "SELECT kind FROM event ORDER BY seq") }
    }

    /// Inserts a lease row as another process (or host) would hold it.
    func plantLease(name: String, pid: Int64, host: String, expiresAt: Date) throws {
        try database().write { db in
            try db.execute(
                sql: "INSERT INTO lease (name, holder_pid, holder_host, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, pid, host, Self.catalogTime(Date().addingTimeInterval(-60)), Self.catalogTime(expiresAt)])
        }
    }

    /// Deletes a lease row, as its holder does when it is done.
    func deleteLease(name: String) throws {
        try database().write { db in try db.execute(sql: "DELETE FROM lease WHERE name = ?", arguments: [name]) }
    }

    /// A time in the catalog's format, `2026-11-29T14:56:38.123Z`.
    static func catalogTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// The path of the blob `digest` (`sha256:…`).
    func blobPath(_ digest: String) -> String {
        let hex = digest.dropFirst("sha256:".count)
        return root + "/blobs/sha256/\(hex.prefix(2))/\(hex)"
    }

    /// Every file under `blobs/`, relative to it.
    func blobFiles() -> [String] {
        let directory = root + "/blobs"
        return ((try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? []).filter { path in
            var info = stat()
            return lstat(directory + "/" + path, &info) == 0 && info.st_mode & S_IFMT != S_IFDIR
        }.sorted()
    }

    /// Files under `blobs/` that are not a blob whose bytes hash to its name: partial or corrupt blobs, strays.
    func badBlobs() -> [String] {
        blobFiles().filter { relative in
            let parts = relative.split(separator: "/")
            guard parts.count == 3, parts[0] == "sha256", parts[2].hasPrefix(parts[1]), parts[2].count == 64 else { return true }
            return Self.sha256(ofFile: root + "/blobs/" + relative) != String(parts[2])
        }
    }

    /// The entries of `ingest/`.
    func ingestEntries() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/ingest")) ?? []).sorted()
    }

    /// The lowercase hex sha256 of a file's bytes, or nil when it cannot be read.
    static func sha256(ofFile path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// What is wrong with an artifact's bytes: each file must be a blob of the recorded size whose bytes hash
    /// to its digest. Empty when the artifact is whole.
    func blobProblems(_ artifact: Artifact) -> [String] {
        artifact.files.compactMap { file in
            let path = blobPath(file.digest)
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber else {
                return "artifact \(artifact.key) \(file.path): blob \(file.digest) is missing"
            }
            if size.int64Value != file.size { return "artifact \(artifact.key) \(file.path): blob has \(size) bytes, not \(file.size)" }
            if "sha256:" + (Self.sha256(ofFile: path) ?? "") != file.digest { return "artifact \(artifact.key) \(file.path): blob is corrupt" }
            return nil
        }
    }

    /// What is wrong with an artifact's directory: it must exist, hold exactly one link per manifest file to
    /// that file's blob, and every weight file must open as safetensors and every JSON file parse. Empty when
    /// it is complete and loadable.
    func directoryProblems(_ artifact: Artifact) -> [String] {
        let directory = root + "/artifacts/" + artifact.hex
        guard FileManager.default.fileExists(atPath: directory) else { return ["artifact \(artifact.key): \(directory) is missing"] }
        var problems: [String] = []
        let listed = Set(((try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? []))
        let expected = Set(artifact.files.map(\.path))
        for extra in listed.subtracting(expected) where !expected.contains(where: { $0.hasPrefix(extra + "/") }) {
            problems.append("artifact \(artifact.key): unexpected entry \(extra)")
        }
        for file in artifact.files {
            let link = directory + "/" + file.path
            let resolved = URL(fileURLWithPath: link).resolvingSymlinksInPath().path
            guard (try? FileManager.default.destinationOfSymbolicLink(atPath: link)) != nil,
                resolved == URL(fileURLWithPath: blobPath(file.digest)).resolvingSymlinksInPath().path,
                FileManager.default.fileExists(atPath: resolved)
            else {
                problems.append("artifact \(artifact.key): \(file.path) is not a link to blob \(file.digest)")
                continue
            }
            if file.path.hasSuffix(".safetensors") {
                do {
                    try SafetensorsFile(path: link).close()
                } catch {
                    problems.append("artifact \(artifact.key): \(file.path) does not load: \(error)")
                }
            } else if file.path.hasSuffix(".json"), let data = FileManager.default.contents(atPath: link) {
                if (try? JSONParser().parse(Array(data))) == nil { problems.append("artifact \(artifact.key): \(file.path) is not JSON") }
            }
        }
        return problems
    }

    /// The problems of every artifact row's directory (``directoryProblems(_:)``); a missing directory counts
    /// only when `requireDirectories`. Directories without a row are garbage, not problems.
    func artifactDirectoryProblems(requireDirectories: Bool) throws -> [String] {
        let rows = try artifacts()
        var problems: [String] = []
        for artifact in rows {
            let exists = FileManager.default.fileExists(atPath: root + "/artifacts/" + artifact.hex)
            if exists || requireDirectories { problems += directoryProblems(artifact) }
        }
        return problems
    }
}
