import Foundation
import LoomJSON
import LoomTesting

/// A fresh temporary directory for one test, with the store at `<dir>/Store` passed to `loom` as `--store`.
///
/// The store itself is not created: `loom` creates it on the first write. Removed with the directory when
/// the object goes away.
final class CLIStore: Sendable {
    let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory(prefix: "loom-cli")
    }

    /// The store path given to `--store`.
    var path: String { directory.file("Store") }

    /// Runs `loom arguments… --store <path>` in the temporary directory.
    func loom(_ arguments: [String], environment: [String: String] = [:]) throws -> LoomRun {
        try LoomProcess.run(arguments + ["--store", path], environment: environment, in: directory.path)
    }

    /// Runs `loom arguments… --store <path>` in the temporary directory.
    func loom(_ arguments: String...) throws -> LoomRun {
        try loom(arguments)
    }

    /// Runs `loom arguments… --store <path>` and requires exit 0.
    @discardableResult
    func ok(_ arguments: String...) throws -> LoomRun {
        try loom(arguments).succeeded()
    }

    /// Runs `loom arguments… --json --store <path>` and returns its single JSON document.
    func json(_ arguments: String...) throws -> JSONValue {
        try loom(arguments + ["--json"]).json()
    }

    /// Registers the llama-tiny base and the given llama adapters under their fixture names.
    func register(adapters: [String] = ["llama-qv", "llama-qv-b"]) throws {
        try ok("base", "add", Fixtures.path("bases/llama-tiny"), "--name", "llama-tiny")
        for adapter in adapters {
            try ok("adapter", "add", Fixtures.path("adapters/" + adapter), "--name", adapter)
        }
    }

    /// Whether anything exists at `relative` inside the temporary directory.
    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: directory.file(relative))
    }
}

/// Shapes the `--json` contract promises for values (docs/architecture.md "JSON").
enum Contract {
    /// `sha256:` and 64 lowercase hex digits: a full digest, never a shortened one.
    static func isFullDigest(_ value: JSONValue?) -> Bool {
        guard let text = value?.stringValue else { return false }
        return text.wholeMatch(of: #/sha256:[0-9a-f]{64}/#) != nil
    }

    /// An ISO-8601 UTC time such as `2026-11-29T15:33:46Z` (fractional seconds allowed), never a relative age.
    static func isISO8601(_ value: JSONValue?) -> Bool {
        guard let text = value?.stringValue else { return false }
        return text.wholeMatch(of: #/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/#) != nil
    }

    /// The 64 hex digits of a `sha256:` digest.
    static func hex(_ digest: String) -> String {
        digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
    }

    /// The short form tables show: `sha256:` and the first 12 hex digits.
    static func short(_ digest: String) -> String {
        String(digest.prefix(7 + 12))
    }
}
