public import LoomCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import BlobStore
import LoomFaults

/// The file store's ``BlobWriter``: bytes go into a private temporary file in `ingest/` and are hashed
/// as they come; ``commit(expecting:size:)`` checks them and makes them a blob.
///
/// Owned by one caller and not thread-safe (hand it between threads only with your own
/// synchronization). Large writes are hashed on a helper thread while the calling thread writes
/// them, so a producer is limited by the slower of the two, not their sum; small writes are gathered
/// into 8 MiB chunks, hashed while the caller goes on. End every writer with
/// ``commit(expecting:size:)`` or ``abort()``; a writer dropped without either aborts itself. A failed
/// ``write(_:)-(UnsafeRawBufferPointer)`` aborts the writer too: nothing of it stays on disk, and
/// later calls throw `invalid`.
///
/// ## Topics
/// - ``write(_:)-(UnsafeRawBufferPointer)``, ``write(_:)-([UInt8])``, ``bytesWritten``
/// - ``commit(expecting:size:)``, ``abort()``
public final class FileBlobWriter: BlobWriter {
    /// Bytes per write and per hash job: large enough to amortize a syscall and a thread hop.
    static let chunkSize = 8 << 20
    /// How many chunks the hash may lag behind the writes.
    static let slack = 3

    /// The number of bytes accepted so far.
    public private(set) var bytesWritten: Int64 = 0

    /// The temporary file (for diagnostics and tests); gone after commit or abort.
    package var temporaryPath: String { file.path }

    private enum State { case open, committed, aborted }

    private let layout: StoreLayout
    private let context: String
    private let file: TemporaryFile
    /// The source whose readers the blob may have, or nil for bytes loom made (readable by all).
    private let readableLike: stat?
    private let hasher = HashPipeline()
    private var state = State.open
    /// Two staging buffers for small writes: one fills while the other's hash finishes.
    private var staging: [UnsafeMutableRawBufferPointer?] = [nil, nil]
    private var current = 0
    private var staged = 0

    /// Creates the temporary file (and `ingest/`, if needed). `source` names the ingest in errors;
    /// `readableLike`, the status of the file being copied, bounds who may read the blob
    /// (``TemporaryFile/sealedMode(readableLike:group:)``).
    init(layout: StoreLayout, writeLimit: Int64?, source: String?, readableLike: stat? = nil) throws {
        self.layout = layout
        self.readableLike = readableLike
        context = source.map { "ingest of \($0)" } ?? "ingest"
        do {
            file = try TemporaryFile(in: layout, writeLimit: writeLimit)
        } catch let error as BlobStoreError {
            throw error.prefixed(context)
        }
    }

    deinit {
        abort()
        for buffer in staging { buffer?.deallocate() }
    }

    /// Appends `bytes`. Returns once the writer no longer needs them (they are written or copied).
    /// - Throws: ``BlobStoreError``: `io` when the write fails (`errno` `ENOSPC` for a full disk), after
    ///   which the writer is aborted; `interrupted` once ``Interruption`` was requested (aborted too);
    ///   `invalid` after commit or abort.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        try checkOpen("write")
        try failing {
            try Interruption.check()
            try accept(bytes)
            bytesWritten += Int64(bytes.count)
        }
    }

    /// Checks the bytes and makes them a blob: writes what is buffered, compares the size and digest
    /// (when given), makes the file read-only (0444, or fewer readers for a copy of a less readable
    /// file), fsyncs it, renames it to its blob name and fsyncs the
    /// directory. If the blob exists already, the temporary file is deleted, the existing blob is left
    /// untouched, and the result says `existed`.
    ///
    /// Always ends the writer, even when it throws; not idempotent (a second call throws `invalid`).
    /// - Throws: ``BlobStoreError``: `sizeMismatch` or `digestMismatch` (naming expected and actual;
    ///   the temporary file is removed), `io` when a system call fails (if only the final directory
    ///   fsync fails, the blob is already visible), `interrupted` once ``Interruption`` was requested
    ///   (the temporary file is removed), `invalid` after commit or abort.
    public func commit(expecting expected: Digest?, size expectedSize: Int64?) throws -> IngestResult {
        try checkOpen("commit")
        return try failing {
            try Interruption.check()
            if staged > 0 { try flushStaging() }
            hasher.drain()
            let digest = hasher.finalize()
            if let expectedSize, expectedSize != bytesWritten {
                throw BlobStoreError(
                    .sizeMismatch, "size mismatch: expected \(expectedSize) bytes, got \(bytesWritten) (content \(digest))")
            }
            if let expected, expected != digest {
                throw BlobStoreError(.digestMismatch, "digest mismatch: expected \(expected), got \(digest)")
            }
            // Again after the last write: a stop asked for while it ran must not become a blob.
            try Interruption.check()
            let existing = IngestResult(digest: digest, size: bytesWritten, existed: true)
            let target = layout.path(of: digest)
            if try FileSystem.status(target) != nil {
                end(.committed)
                return existing
            }
            try file.seal(readableLike: readableLike)
            Fault.point("ingest.after-fsync")
            let directory = layout.fanOutDirectory(of: digest)
            try FileSystem.makeDirectories(directory)
            switch try FileSystem.renameWithoutReplacing(file.path, to: target) {
            case .targetExists:
                end(.committed)
                return existing
            case .renamed:
                state = .committed
                file.close()
                Fault.point("ingest.after-rename")
                try FileSystem.syncDirectory(directory)
                return IngestResult(digest: digest, size: bytesWritten, existed: false)
            }
        }
    }

    /// Abandons the ingest and removes the temporary file. Idempotent; does nothing after commit.
    public func abort() {
        guard state == .open else { return }
        end(.aborted)
    }

    /// Appends `count` bytes of the open file `source` from its start, copied inside the kernel where
    /// possible. The hash is computed over the bytes as written to the temporary file (mapped back,
    /// a few chunks behind the copy), so the digest names exactly what is stored even if the source
    /// changes meanwhile. Must be the writer's first data (the mapped chunks are page-aligned).
    /// `progress` gets the bytes written so far after each chunk.
    /// - Throws: as ``write(_:)-(UnsafeRawBufferPointer)``; `io` also when the source ends early.
    func copy(from source: Int32, count: Int, sourcePath: String, progress: ((Int64) -> Void)?) throws {
        try checkOpen("write")
        try failing {
            precondition(bytesWritten == 0, "BlobWriter.copy: the writer already has data")
            var windows: [UnsafeRawBufferPointer] = []
            func unmapHashed() {
                // Jobs finish in order, so the windows whose jobs are done are the oldest ones.
                while windows.count > hasher.pending {
                    let window = windows.removeFirst()
                    munmap(UnsafeMutableRawPointer(mutating: window.baseAddress), window.count)
                }
            }
            defer {
                hasher.drain()
                unmapHashed()
            }
            var offset = 0
            while offset < count {
                try Interruption.check()
                let wanted = min(Self.chunkSize, count - offset)
                let start = file.size
                let copied = try file.append(copying: wanted, from: source, at: Int64(offset), sourcePath: sourcePath)
                guard copied == wanted else {
                    let message = "read \(sourcePath): file shrank to \(offset + copied) bytes while being ingested (was \(count))"
                    throw BlobStoreError(.io, message, errno: EIO)
                }
                windows.append(try file.map(offset: start, count: copied))
                hasher.enqueue(windows[windows.count - 1])
                offset += copied
                bytesWritten += Int64(copied)
                progress?(bytesWritten)
                if hasher.pending > Self.slack { hasher.waitOldest() }
                unmapHashed()
            }
        }
    }

    // MARK: - Private

    private func checkOpen(_ operation: String) throws {
        guard state == .open else {
            let what = state == .committed ? "committed" : "aborted"
            throw BlobStoreError(.invalid, "\(context): \(operation) on a writer already \(what) (\(file.path))")
        }
    }

    /// Ends the writer: waits for the helper (it may be reading the caller's or our bytes) and removes
    /// the temporary file.
    private func end(_ final: State) {
        state = final
        hasher.drain()
        file.remove()
    }

    /// Runs `body`; on error aborts the writer and rethrows with the ingest named.
    private func failing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as BlobStoreError {
            abort()
            throw error.prefixed(context)
        } catch {
            abort()
            throw error
        }
    }

    /// Gathers small writes into the staging buffers; passes runs of whole chunks straight through.
    private func accept(_ bytes: UnsafeRawBufferPointer) throws {
        let chunk = Self.chunkSize
        var offset = 0
        while offset < bytes.count {
            let remaining = bytes.count - offset
            if staged == 0 && remaining >= chunk {
                let run = remaining - remaining % chunk
                try writeDirect(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + run]))
                offset += run
                continue
            }
            let buffer = stagingBuffer()
            let count = min(remaining, chunk - staged)
            (buffer.baseAddress! + staged).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            staged += count
            offset += count
            if staged == chunk { try flushStaging() }
        }
    }

    /// Writes the caller's bytes in chunks while the helper hashes them (up to ``slack`` chunks
    /// behind); returns when all are hashed, so the caller may reuse its memory.
    private func writeDirect(_ bytes: UnsafeRawBufferPointer) throws {
        // Join the hashes even when a write throws: the helper reads the caller's bytes.
        defer { hasher.drain() }
        var offset = 0
        while offset < bytes.count {
            let piece = UnsafeRawBufferPointer(rebasing: bytes[offset..<min(offset + Self.chunkSize, bytes.count)])
            hasher.enqueue(piece)
            try file.append(piece)
            offset += piece.count
            if hasher.pending > Self.slack { hasher.waitOldest() }
        }
    }

    /// Writes the current staging buffer while the helper hashes it, then switches to the other one
    /// (waiting, if need be, until the other one's hash is done so it can be refilled).
    private func flushStaging() throws {
        let buffer = stagingBuffer()
        let bytes = UnsafeRawBufferPointer(start: buffer.baseAddress, count: staged)
        hasher.enqueue(bytes)
        try file.append(bytes)
        staged = 0
        current ^= 1
        // Only staging jobs are pending here (direct runs drain), the newest being this buffer's.
        if hasher.pending > 1 { hasher.waitOldest() }
    }

    private func stagingBuffer() -> UnsafeMutableRawBufferPointer {
        if let buffer = staging[current] { return buffer }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 64)
        staging[current] = buffer
        return buffer
    }
}
