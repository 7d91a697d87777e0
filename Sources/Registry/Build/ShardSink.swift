import BlobStore
import Dispatch
import Foundation

/// One output file being streamed into the blob store, written and hashed on other threads while the
/// caller computes the next bytes.
///
/// ``write(_:)`` copies into a small pool of 8 MiB buffers; each full buffer goes to a serial writer
/// queue, where the `BlobWriter` writes it while its own helper hashes it. So the merge (caller),
/// the write syscalls and the hashing run at once, and memory stays at the pool's size.
/// ``commit()`` waits for the queue and makes the blob visible; ``abortIfOpen()`` (call it on every
/// exit path) discards a failed file. One owner; not thread-safe.
struct ShardSink {
    static let bufferSize = 8 << 20
    static let poolSize = 4

    private let label: String
    private let progress: any ProgressSink
    private let pipeline: Pipeline
    private var buffer: UnsafeMutableRawBufferPointer?
    private var filled = 0
    private var written: Int64 = 0
    private var open = true

    init(store: any BlobIngester, label: String, total: Int64, progress: any ProgressSink) throws(RegistryError) {
        do {
            pipeline = Pipeline(try store.makeWriter())
        } catch {
            throw RegistryError(error)
        }
        self.label = label
        self.progress = progress
        progress.begin("merging \(label)", total: total)
    }

    /// Appends `bytes` (copied; the caller may reuse them at once).
    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(RegistryError) {
        guard open else { throw .internal("write after commit to \(label)") }
        try Registry.checkInterrupted()
        var offset = 0
        while offset < bytes.count {
            if buffer == nil { buffer = try pipeline.take(label) }
            guard let current = buffer, let source = bytes.baseAddress else { return }
            let n = min(bytes.count - offset, Self.bufferSize - filled)
            (current.baseAddress! + filled).copyMemory(from: source + offset, byteCount: n)
            filled += n
            offset += n
            if filled == Self.bufferSize { submit() }
        }
        written += Int64(bytes.count)
        progress.advance(to: written)
    }

    mutating func write(_ bytes: [UInt8]) throws(RegistryError) {
        var failure: RegistryError?
        bytes.withUnsafeBytes { raw in
            do { try write(raw) } catch { failure = RegistryError(error) }
        }
        if let failure { throw failure }
    }

    private mutating func submit() {
        guard let current = buffer else { return }
        pipeline.submit(current, count: filled)
        buffer = nil
        filled = 0
    }

    /// Writes what is left, waits for the writer and makes the blob visible.
    mutating func commit() throws(RegistryError) -> IngestResult {
        guard open else { throw .internal("double commit of \(label)") }
        submit()
        open = false
        progress.end()
        do {
            return try pipeline.finish()
        } catch let error as BlobStoreError where error.kind == .interrupted {
            throw RegistryError(error)
        } catch {
            throw .io("cannot store \(label): \(error)")
        }
    }

    /// Discards the file when it was not committed. Idempotent.
    mutating func abortIfOpen() {
        guard open else { return }
        open = false
        if let buffer { pipeline.give(buffer) }
        buffer = nil
        pipeline.abort()
        progress.end()
    }

    /// The writer queue and buffer pool behind a sink.
    ///
    /// @unchecked Sendable: the `BlobWriter` is only touched on `queue` (serial), `finish` and `abort`
    /// included; the pool and `failure` are guarded by `lock`.
    private final class Pipeline: @unchecked Sendable {
        let writer: any BlobWriter
        let queue = DispatchQueue(label: "loom.registry.shard-writer")
        let slots = DispatchSemaphore(value: ShardSink.poolSize)
        let lock = NSLock()
        var free: [UnsafeMutableRawBufferPointer] = []
        var failure: (any Error)?

        init(_ writer: any BlobWriter) { self.writer = writer }

        deinit {
            for b in free { b.deallocate() }
        }

        /// A free buffer; waits while all are queued. Throws when the writer has failed.
        func take(_ label: String) throws(RegistryError) -> UnsafeMutableRawBufferPointer {
            slots.wait()
            if let failure = lock.withLock({ self.failure }) {
                slots.signal()
                if let error = failure as? BlobStoreError, error.kind == .interrupted { throw RegistryError(error) }
                throw .io("cannot write \(label): \(failure)")
            }
            return lock.withLock {
                free.popLast() ?? UnsafeMutableRawBufferPointer.allocate(byteCount: ShardSink.bufferSize, alignment: 4096)
            }
        }

        func give(_ buffer: UnsafeMutableRawBufferPointer) {
            lock.withLock { free.append(buffer) }
            slots.signal()
        }

        func submit(_ pointer: UnsafeMutableRawBufferPointer, count: Int) {
            let job = Job(buffer: pointer)
            queue.async {
                let buffer = job.buffer
                if self.lock.withLock({ self.failure }) == nil {
                    do {
                        try self.writer.write(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                    } catch {
                        self.lock.withLock { self.failure = error }
                    }
                }
                self.give(buffer)
            }
        }

        func finish() throws -> IngestResult {
            try queue.sync {
                if let failure = lock.withLock({ self.failure }) { throw failure }
                return try writer.commit()
            }
        }

        func abort() {
            queue.sync { writer.abort() }
        }
    }

    /// A pool buffer handed to the writer queue; the producer does not touch it until it is given back.
    private struct Job: @unchecked Sendable {
        let buffer: UnsafeMutableRawBufferPointer
    }
}
