public import LoomCore
import Crypto
import Dispatch

/// A SHA-256 stream fed with chunks that are hashed in order on a helper thread, so the owner can
/// write one chunk while earlier ones are still being hashed.
///
/// One owner, not thread-safe. The owner must keep each enqueued chunk's bytes valid and unchanged
/// until the job is known to be done: ``waitOldest()`` returns after the oldest pending job, and
/// ``drain()`` after all of them. Deadlock-free by construction: the helper never waits for the owner.
package final class HashPipeline {
    /// Chunks smaller than this are hashed on the owner's thread when nothing is pending (a thread
    /// hop costs more than hashing them).
    package static let inlineLimit = 256 << 10

    /// The number of enqueued chunks not yet waited for.
    package private(set) var pending = 0

    private let queue = DispatchQueue(label: "loom.blobstore.hash")
    private let done = DispatchSemaphore(value: 0)
    private let state = State()

    /// An idle pipeline with nothing hashed.
    package init() {}

    /// Hashes `bytes` after every chunk enqueued before it.
    package func enqueue(_ bytes: UnsafeRawBufferPointer) {
        if pending == 0 && bytes.count < Self.inlineLimit {
            state.sha.update(bufferPointer: bytes)
            return
        }
        pending += 1
        let chunk = Chunk(bytes: bytes)
        let state = self.state
        let done = self.done
        queue.async {
            state.sha.update(bufferPointer: chunk.bytes)
            done.signal()
        }
    }

    /// Waits until the oldest pending chunk is hashed (its bytes are then free).
    package func waitOldest() {
        precondition(pending > 0, "HashPipeline: nothing pending")
        done.wait()
        pending -= 1
    }

    /// Waits until every enqueued chunk is hashed. Idempotent.
    package func drain() {
        while pending > 0 { waitOldest() }
    }

    /// The digest of all chunks. Call once, after ``drain()``.
    package func finalize() -> LoomCore.Digest {
        precondition(pending == 0, "HashPipeline: finalize with chunks pending")
        return LoomCore.Digest(state.sha.finalize())
    }

    // @unchecked Sendable: while chunks are pending only the helper touches `sha` (jobs run one at a
    // time on a serial queue); the owner touches it only when none are, after waiting for each job's
    // signal, which orders the accesses (happens-before).
    private final class State: @unchecked Sendable {
        var sha = SHA256()
    }

    // @unchecked Sendable: the owner keeps the bytes alive and unchanged until the job is waited for.
    private struct Chunk: @unchecked Sendable {
        let bytes: UnsafeRawBufferPointer
    }
}
