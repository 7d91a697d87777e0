import Foundation
import LoomCore
import LoomTesting
import SQLiteCatalog
import Testing

/// The backend-neutral catalog suite (LoomTesting's ``CatalogConformance``) against a file-backed SQLite
/// catalog in a temporary directory: the same cases the PostgreSQL catalog will run.
@Suite struct CatalogConformanceTests {
    @Test(arguments: CatalogConformance.names)
    func sqliteCatalogKeepsThePromise(_ name: String) throws {
        let directory = TestDirectory()
        // The directory lives as long as the case: each factory call makes a catalog of its own in it.
        let counter = Counter()
        try withExtendedLifetime(directory) {
            try CatalogConformance.run(name) { clock in
                try SQLiteCatalog.open(path: directory.path("c\(counter.next())/catalog.sqlite"), logger: Fixture.logger, clock: clock)
            }
        }
    }
}

/// Numbers the catalogs a case makes.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}
