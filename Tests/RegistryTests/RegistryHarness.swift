import LoomBackends
import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomBackends
import LoomJSON
import LoomTesting
import Logging
import Testing

@testable import Registry

/// A registry over a fresh temporary store, removed when the harness goes away.
final class RegistryHarness {
    let directory: TemporaryDirectory
    let registry: Registry

    init(clock: @escaping @Sendable () -> Date = Date.init) throws {
        directory = try TemporaryDirectory(prefix: "loom-registry")
        registry = try StoreBackends.registry(root: directory.path + "/Store", logger: Logger(label: "test"), clock: clock)
    }

    var root: String { registry.root }

    @discardableResult
    func addBase(_ name: String, as registered: String? = nil, fixtures: String = Fixtures.root) throws -> BaseRegistration {
        try registry.registerBase(directory: fixtures + "/bases/\(name)", name: registered ?? name)
    }

    /// Registers fixture adapter `name` from the fixture set at `fixtures` (``Fixtures/root`` or ``Fixtures/v2Root``).
    @discardableResult
    func addAdapter(
        _ name: String, as registered: String? = nil, base: String? = nil, fixtures: String = Fixtures.root
    ) throws -> AdapterRegistration {
        try registry.registerAdapter(
            directory: fixtures + "/adapters/\(name)", name: registered ?? name, base: base.map { Reference(name: $0) })
    }

    /// Every file under the store's blobs/ directory (relative paths), for "nothing changed" checks.
    func blobFiles() -> [String] {
        (try? FileManager.default.subpathsOfDirectory(atPath: root + "/blobs"))?.filter { $0.count > 40 }.sorted() ?? []
    }

    /// Every entry of the store's ingest/ directory.
    func ingestFiles() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: root + "/ingest"))?.sorted() ?? []
    }

    /// What a refused command must leave exactly as it was: catalog rows, blobs and ingest files.
    struct StoreState: Equatable, CustomStringConvertible {
        var bases: [BaseRecord]
        var adapters: [AdapterRecord]
        var artifacts: [String]
        var blobs: [String]
        var ingest: [String]

        var description: String {
            "bases \(bases.map(\.reference)), adapters \(adapters.map(\.reference)), artifacts \(artifacts), "
                + "\(blobs.count) blobs, ingest \(ingest)"
        }
    }

    func state() throws -> StoreState {
        let listing = try registry.list()
        return StoreState(
            bases: listing.bases, adapters: listing.adapters, artifacts: listing.artifacts.map(\.key),
            blobs: blobFiles(), ingest: ingestFiles())
    }

    /// The event log (to check that a no-op wrote nothing).
    func events() throws -> [EventRecord] {
        guard let catalog = try registry.existingCatalog() else { return [] }
        return try catalog.events()
    }

    /// A scratch path inside the harness's temporary directory (outside the store).
    func scratch(_ name: String) -> String {
        directory.path + "/" + name
    }

    /// Copies the fixture directory `relative` (`"adapters/llama-qv"`) to a fresh scratch directory `name`.
    @discardableResult
    func copyFixture(_ relative: String, to name: String) throws -> String {
        let target = scratch(name)
        try FileManager.default.copyItem(atPath: Fixtures.path(relative), toPath: target)
        return target
    }

    /// Rewrites the JSON object in the file at `path`.
    func editJSON(_ path: String, _ edit: (inout JSONObject) -> Void) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        var object = try #require(try JSONParser().parse(Array(data)).objectValue)
        edit(&object)
        try Data(JSONWriter(indent: 2).bytes(.object(object))).write(to: URL(fileURLWithPath: path))
    }

    /// A copy of fixture adapter `name` whose adapter_config.json is edited by `edit`.
    func editedAdapter(_ name: String, as copy: String, _ edit: (inout JSONObject) -> Void) throws -> String {
        let path = try copyFixture("adapters/\(name)", to: copy)
        try editJSON(path + "/adapter_config.json", edit)
        return path
    }
}

/// Reads a JSON object file (a fixture's config).
func readJSONObject(_ path: String) throws -> JSONObject {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try #require(try JSONParser().parse(Array(data)).objectValue, "\(path) is not a JSON object")
}

/// Runs `body` expecting a ``RegistryError``; returns it (nil, after recording an issue, when none was thrown).
@discardableResult
func expectRegistryError(
    _ kind: RegistryError.Kind, mentioning parts: [String] = [], sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) -> RegistryError? {
    do {
        try body()
        Issue.record("expected a \(kind) error, but it succeeded", sourceLocation: sourceLocation)
        return nil
    } catch let error as RegistryError {
        #expect(error.kind == kind, "kind of: \(error.message)", sourceLocation: sourceLocation)
        for part in parts {
            #expect(error.message.contains(part), "\"\(error.message)\" does not mention \"\(part)\"", sourceLocation: sourceLocation)
        }
        #expect(!error.message.contains("\n"), "not one line: \(error.message)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected a RegistryError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
