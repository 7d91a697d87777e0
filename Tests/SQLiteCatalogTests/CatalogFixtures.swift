import LoomCore
import SQLiteCatalog
import Crypto
import Foundation
import GRDB
import Logging
import LoomJSON
import LoomMigrations
import Testing

/// A settable time source; starts at 2026-11-29T14:56:38.123Z.
final class FakeClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_795_964_198.123)) {
        current = start
    }

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    var function: @Sendable () -> Date { { [self] in now } }
}

/// Builders for catalog inputs, with digests derived from short seeds.
enum Fixture {
    /// Migrates the catalog at `path` through every migration listed before `id`, so a migration's own
    /// test applies exactly that one however many migrations land before it later.
    static func migrate(_ path: String, justBefore id: String) throws {
        let ids = LoomMigrations.all.map(\.id)
        guard let index = ids.firstIndex(of: id) else {
            Issue.record("no migration \(id)")
            return
        }
        guard index > 0 else { return }
        _ = try SQLiteCatalog.migrate(path: path, upTo: ids[index - 1], migrations: LoomMigrations.all, logger: logger)
    }

    static let logger = Logger(label: "loom.catalog.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// `sha256:` of `seed`.
    static func digest(_ seed: String) -> String {
        "sha256:" + SHA256.hash(data: Array(seed.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func catalogPath(_ dir: TestDirectory) -> String { dir.path("store/catalog.sqlite") }

    static func open(_ dir: TestDirectory, clock: FakeClock = FakeClock()) throws -> SQLiteCatalog {
        try SQLiteCatalog.open(path: catalogPath(dir), logger: logger, clock: clock.function)
    }

    /// A raw connection to the same file, as another process or an attacker would have.
    static func rawQueue(_ dir: TestDirectory) throws -> DatabaseQueue {
        try DatabaseQueue(path: catalogPath(dir))
    }

    static func baseFiles(_ seed: String) -> [FileEntry] {
        [
            FileEntry(path: "model.safetensors", digest: digest("\(seed)/model"), size: 1000),
            FileEntry(path: "config.json", digest: digest("\(seed)/config"), size: 10),
        ]
    }

    static func tensors() -> [TensorEntry] {
        [
            TensorEntry(name: "lm_head.weight", dtype: "F32", shape: [8, 4], path: "model.safetensors", position: 1),
            TensorEntry(name: "embed.weight", dtype: "F32", shape: [8, 4], path: "model.safetensors", position: 0),
        ]
    }

    static func newBase(_ name: String, manifest: String = "m1") -> NewBase {
        NewBase(
            name: name, manifestDigest: digest("base/\(name)/\(manifest)"), architecture: "LlamaForCausalLM",
            modelType: "llama", dtype: "f32", parameterCount: 64, totalSize: 1010, source: "/models/\(name)")
    }

    @discardableResult
    static func registerBase(_ catalog: SQLiteCatalog, _ name: String, manifest: String = "m1") throws -> BaseRecord {
        try catalog.registerBase(
            newBase(name, manifest: manifest), files: baseFiles("\(name)/\(manifest)"), tensors: tensors()
        ).record
    }

    static func adapterFiles(_ seed: String) -> [FileEntry] {
        [
            FileEntry(path: "adapter_config.json", digest: digest("\(seed)/config"), size: 20),
            FileEntry(path: "adapter_model.safetensors", digest: digest("\(seed)/model"), size: 200),
        ]
    }

    static func newAdapter(_ name: String, baseID: Int64, manifest: String = "a1") -> NewAdapter {
        NewAdapter(
            name: name, baseID: baseID, manifestDigest: digest("adapter/\(name)/\(manifest)"), peftType: "LORA",
            r: 8, loraAlpha: 16, useRslora: false, useDora: false, targetModules: ["q_proj", "v_proj"],
            rankPattern: .object(["z": 4, "a": 2]), alphaPattern: .object([:]),
            config: .object(["peft_type": "LORA", "r": 8, "lora_alpha": .number("16.0")]),
            summary: .object(["modules": 2]), totalSize: 220, source: "/adapters/\(name)")
    }

    @discardableResult
    static func registerAdapter(_ catalog: SQLiteCatalog, _ name: String, baseID: Int64, manifest: String = "a1") throws
        -> AdapterRecord
    {
        try catalog.registerAdapter(
            newAdapter(name, baseID: baseID, manifest: manifest), files: adapterFiles("\(name)/\(manifest)")
        ).record
    }

    static func newArtifact(_ seed: String, baseDigest: String = digest("base")) -> NewArtifact {
        let recipe: JSONValue = .object(["base": .string(baseDigest), "seed": .string(seed)])
        return NewArtifact(
            key: digest("artifact/\(seed)"), recipe: recipe, baseDigest: baseDigest, dtype: "bf16",
            engineVersion: "loom-merge 1", totalSize: 500,
            provenance: .object(["host": "test", "asked": .array([.string(seed)])]))
    }

    static func inputs(_ seed: String) -> [ArtifactInput] {
        [
            ArtifactInput(position: 1, adapterDigest: digest("adapter/\(seed)/b"), weight: 0.5),
            ArtifactInput(position: 0, adapterDigest: digest("adapter/\(seed)/a"), weight: 1.0),
        ]
    }

    static func artifactFiles(_ seed: String) -> [FileEntry] {
        [
            FileEntry(path: "model.safetensors", digest: digest("artifact/\(seed)/model"), size: 480),
            FileEntry(path: "config.json", digest: digest("artifact/\(seed)/config"), size: 20),
        ]
    }

    @discardableResult
    static func insertArtifact(_ catalog: SQLiteCatalog, _ seed: String) throws -> ArtifactRecord {
        try catalog.insertArtifact(newArtifact(seed), inputs: inputs(seed), files: artifactFiles(seed)).record
    }
}

/// True when `a` and `b` name the same millisecond (the catalog stores times to the millisecond).
func sameTime(_ a: Date?, _ b: Date) -> Bool {
    guard let a else { return false }
    return abs(a.timeIntervalSince(b)) < 0.0005
}
