import BlobStore
import LoomCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Rehashes a build's input blobs (every base and adapter file, and outputs that were already in the
/// store) while the merge runs, so that a flipped byte in a stored blob stops the build before its
/// artifact is committed instead of becoming the artifact's bytes under the inputs' key.
///
/// Off the critical path: one background thread hashes the blobs in the order they are given (the order
/// the merge reads them, so the pages are in the page cache, or are brought in for the merge), one mapped
/// window at a time (no copy; resident memory grows by one window), at a lower scheduling priority (nice
/// 10 on Linux) so that it runs on CPU time the merge, the shard writer and the output hash leave idle,
/// such as the output fsyncs. ``finish()`` is called only before the catalog commit, not before each
/// shard's blob commit; it hashes the blobs still queued on the caller's thread, at normal priority,
/// while the background thread ends its current one.
///
/// Thread-safe: ``add(_:)``, ``finish()`` and ``cancel()`` may be called from any thread. Call ``cancel()``
/// on every exit path (idempotent; a no-op after ``finish()``).
final class InputVerifier: @unchecked Sendable {
    /// One blob to check, and whose it is (for the error).
    struct Input: Sendable {
        var digest: Digest
        var size: Int64
        /// `base llama@1 file model.safetensors`: what the error names besides the blob.
        var owner: String
    }

    private let store: any LocalBlobAccess
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queue: [Input] = []
    private var seen: Set<Digest> = []
    private var closed = false
    private var cancelled = false
    private var running = 0
    private var failures: [String] = []
    private var statuses: [Digest: BlobFileStatus] = [:]

    /// Starts the background thread on `inputs` (duplicates by digest are checked once).
    init(store: any LocalBlobAccess, inputs: [Input]) {
        self.store = store
        for input in inputs where seen.insert(input.digest).inserted { queue.append(input) }
        running = 1
        let thread = Thread { [self] in
            #if os(Linux)
            // On Linux the nice value is per thread, and `who == 0` names the calling thread only.
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
            #endif
            while let input = self.next() { self.check(input) }
            self.condition.withLock {
                self.running -= 1
                self.condition.broadcast()
            }
        }
        thread.name = "loom.registry.input-verifier"
        thread.start()
    }

    /// Queues one more blob (an output the store already had). Ignored after ``finish()`` or ``cancel()``.
    func add(_ input: Input) {
        condition.withLock {
            guard !closed, seen.insert(input.digest).inserted else { return }
            queue.append(input)
            condition.broadcast()
        }
    }

    /// Waits until every queued blob is checked, hashing the ones not yet started on this thread.
    ///
    /// - Returns: the status of every file hashed and found intact, by digest (to record with the artifact).
    /// - Throws: ``RegistryError`` `.io` naming the first blob (and whose file it is) that is corrupt,
    ///   missing, of the wrong size or unreadable.
    func finish() throws(RegistryError) -> [Digest: BlobFileStatus] {
        condition.withLock {
            closed = true
            running += 1
            condition.broadcast()
        }
        while let input = next() { check(input) }
        let (failures, statuses) = condition.withLock {
            running -= 1
            while running > 0 { condition.wait() }
            return (self.failures, self.statuses)
        }
        if let first = failures.first {
            let more = failures.count > 1 ? " (and \(failures.count - 1) more)" : ""
            throw .io("\(first)\(more); nothing was committed (run `loom verify`; to repair a base or adapter, delete that blob file and register it again)")
        }
        return statuses
    }

    /// Stops checking (after the window in progress) and waits for the background thread. Idempotent.
    func cancel() {
        condition.withLock {
            closed = true
            cancelled = true
            queue.removeAll()
            condition.broadcast()
            while running > 0 { condition.wait() }
        }
    }

    /// The next queued blob; waits while the queue is empty and still open; nil once it is drained and closed.
    private func next() -> Input? {
        condition.withLock {
            while queue.isEmpty && !closed { condition.wait() }
            return cancelled || queue.isEmpty ? nil : queue.removeFirst()
        }
    }

    private func check(_ input: Input) {
        let failure: String?
        var status: BlobFileStatus?
        do {
            let result = try store.check(input.digest, size: input.size) { self.condition.withLock { self.cancelled } }
            guard let result else { return }
            status = result.status
            switch result.outcome {
            case .ok: failure = nil
            case .missing: failure = "\(input.owner): blob \(input.digest) is missing"
            case .corrupt(let actual): failure = "\(input.owner): blob \(input.digest) is corrupt, its bytes hash to \(actual)"
            case .wrongSize(let expected, let actual):
                failure = "\(input.owner): blob \(input.digest) has \(actual) bytes, the catalog records \(expected)"
            }
        } catch {
            failure = "\(input.owner): blob \(input.digest) cannot be read: \(error)"
        }
        condition.withLock {
            if let failure { failures.append(failure) } else if let status { statuses[input.digest] = status }
        }
    }
}

extension BlobStat {
    /// The catalog's form of a file status.
    init(_ status: BlobFileStatus) {
        self.init(size: status.size, modifiedNanoseconds: status.modifiedNanoseconds, inode: Int64(bitPattern: status.inode))
    }
}
