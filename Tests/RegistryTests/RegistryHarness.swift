import Foundation
import LoomTesting
import Logging

@testable import Registry

/// A registry over a fresh temporary store, removed when the harness goes away.
final class RegistryHarness {
    let directory: TemporaryDirectory
    let registry: Registry

    init(clock: @escaping @Sendable () -> Date = Date.init) throws {
        directory = try TemporaryDirectory(prefix: "loom-registry")
        registry = try Registry(root: directory.path + "/Store", logger: Logger(label: "test"), clock: clock)
    }

    var root: String { registry.root }

    @discardableResult
    func addBase(_ name: String, as registered: String? = nil) throws -> BaseRegistration {
        try registry.registerBase(directory: Fixtures.path("bases/\(name)"), name: registered ?? name)
    }

    @discardableResult
    func addAdapter(_ name: String, as registered: String? = nil, base: String? = nil) throws -> AdapterRegistration {
        try registry.registerAdapter(
            directory: Fixtures.path("adapters/\(name)"), name: registered ?? name, base: base.map { Reference(name: $0) })
    }

    /// Every file under the store's blobs/ directory (relative paths), for "nothing changed" checks.
    func blobFiles() -> [String] {
        (try? FileManager.default.subpathsOfDirectory(atPath: root + "/blobs"))?.filter { $0.count > 40 }.sorted() ?? []
    }
}
