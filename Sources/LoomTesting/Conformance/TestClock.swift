package import Foundation

/// A settable time source for catalogs and registries under test; starts at a fixed instant.
///
/// Thread-safe: several threads may read it while one advances it.
package final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    /// A clock at `start` (by default 2026-11-29T14:56:38.123Z).
    package init(_ start: Date = Date(timeIntervalSince1970: 1_795_964_198.123)) {
        current = start
    }

    /// The current time.
    package var now: Date { lock.withLock { current } }

    /// Moves the clock forward by `seconds`.
    package func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }

    /// The clock as the closure catalogs and registries take.
    package var function: @Sendable () -> Date { { [self] in now } }
}
