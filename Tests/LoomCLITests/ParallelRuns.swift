import Foundation

/// Runs blocking work (usually `loom` processes) on threads of its own, released together.
///
/// Dedicated threads rather than a dispatch queue: the work blocks in `waitpid` for most of its time, and
/// `concurrentPerform` would run only as many bodies at once as there are cores.
enum ParallelRuns {
    /// Runs `body(i)` for every `i` in `0..<count`, each on its own thread; the threads start their bodies at
    /// the same moment (after all were created). Returns the results in index order.
    ///
    /// - Throws: the first error a body threw (by index), after every body has finished.
    static func run<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
        let results = Results<T>(count: count)
        let ready = DispatchSemaphore(value: 0)
        let go = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for index in 0..<count {
            finished.enter()
            let thread = Thread {
                ready.signal()
                go.wait()
                results.set(index, Result { try body(index) })
                finished.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        for _ in 0..<count { ready.wait() }
        for _ in 0..<count { go.signal() }
        finished.wait()
        return try results.values()
    }

    /// One slot per body; written once each from its thread.
    private final class Results<T: Sendable>: @unchecked Sendable {
        // @unchecked: `slots` is only touched under `lock`.
        private let lock = NSLock()
        private var slots: [Result<T, any Error>?]

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ result: Result<T, any Error>) {
            lock.withLock { slots[index] = result }
        }

        func values() throws -> [T] {
            try lock.withLock { try slots.map { try $0!.get() } }
        }
    }
}
