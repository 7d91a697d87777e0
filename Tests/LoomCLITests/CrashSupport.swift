import Foundation
import LoomJSON
import LoomTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Stores for the crash tests, copied from templates made once per test process, so that a test pays
/// for one copy instead of a registration and a build.
///
/// Templates are made by the real `loom` binary on first use and are removed when the process exits.
/// Thread-safe: the first caller of a template makes it while others wait.
final class StoreTemplates: @unchecked Sendable {
    // @unchecked: `made` is only touched under `lock`.

    /// What a template holds.
    enum Kind: String, Sendable {
        /// llama-tiny with llama-qv and llama-qv-b registered.
        case registered
        /// `registered`, plus `loom build llama-qv` (llama-tiny's dtype, bf16).
        case built
    }

    static let shared = StoreTemplates()

    private let lock = NSLock()
    private var made: [Kind: CLIStore] = [:]

    private init() {
        // A static is never deinitialized: drop the templates (and so their directories) at exit.
        atexit { StoreTemplates.shared.discard() }
    }

    private func discard() {
        lock.withLock { made = [:] }
    }

    /// A fresh store (in its own temporary directory) holding a copy of template `kind`.
    func copy(_ kind: Kind) throws -> CLIStore {
        let template = try self.template(kind)
        let store = try CLIStore()
        try FileManager.default.copyItem(atPath: template.path, toPath: store.path)
        return store
    }

    /// The artifact an uninterrupted `loom build llama-qv` makes on a registered store: key and manifest.
    func reference() throws -> StoreInspector.Artifact {
        let artifacts = try StoreInspector(root: template(.built).path).artifacts()
        guard artifacts.count == 1, let artifact = artifacts.first else {
            throw LoomProcessError("the built template holds \(artifacts.count) artifacts, not 1")
        }
        return artifact
    }

    private func template(_ kind: Kind) throws -> CLIStore {
        lock.lock()
        defer { lock.unlock() }
        if let store = made[kind] { return store }
        let store = try CLIStore()
        try store.register()
        if kind == .built { try store.ok("build", "llama-qv") }
        made[kind] = store
        return store
    }
}

extension CLIStore {
    /// The store seen from outside loom.
    var inspector: StoreInspector { StoreInspector(root: path) }

    /// Runs `loom arguments…` with `LOOM_FAULT=point` and requires that the fault killed it (SIGKILL).
    ///
    /// - Throws: when the process ended any other way: the point is not on this command's path (a listed
    ///   point must be reachable), or the command failed before reaching it.
    @discardableResult
    func crash(_ arguments: [String], at point: String, environment: [String: String] = [:]) throws -> LoomRun {
        let run = try loom(arguments, environment: environment.merging(["LOOM_FAULT": point]) { _, new in new })
        guard run.signal == SIGKILL else {
            throw LoomProcessError(
                "fault point \(point) was not reached by `loom \(arguments.joined(separator: " "))` "
                    + "(every listed point must be on the command's path):\n\(run)")
        }
        return run
    }

    /// Requires what a crash may leave: `loom verify --json` exits 0 with no finding (garbage only), and
    /// every file under `blobs/` hashes to its name. Returns verify's document.
    @discardableResult
    func expectConsistent(sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue {
        let run = try loom(["verify", "--json"])
        #expect(run.status == 0 && run.signal == nil, "verify found damage:\n\(run)", sourceLocation: sourceLocation)
        let report = try JSONParser().parse(run.stdout)
        #expect(report["clean"] == .bool(true), "\(run.stdout)", sourceLocation: sourceLocation)
        #expect(inspector.badBlobs().isEmpty, "partial or corrupt blobs: \(inspector.badBlobs())", sourceLocation: sourceLocation)
        return report
    }

    /// Requires that every artifact row is whole: its blobs present with the recorded size and hash, its
    /// directory complete, every link resolving, and the files loadable.
    func expectArtifactsComplete(sourceLocation: SourceLocation = #_sourceLocation) throws {
        for artifact in try inspector.artifacts() {
            let problems = inspector.blobProblems(artifact) + inspector.directoryProblems(artifact)
            #expect(problems.isEmpty, "\(problems)", sourceLocation: sourceLocation)
        }
    }

    /// How many events of `kind` the catalog holds.
    func eventCount(_ kind: String) throws -> Int {
        try inspector.eventKinds().filter { $0 == kind }.count
    }
}
