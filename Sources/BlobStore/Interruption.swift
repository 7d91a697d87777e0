#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A process-wide request to stop writing, made once when the process is asked to end (SIGINT,
/// SIGTERM): from then on every ``BlobWriter`` fails its next write or commit with
/// ``BlobStoreError/Kind/interrupted`` and removes its temporary file, and callers' own loops
/// (``check()``) unwind the same way, releasing what they hold on the way out.
///
/// The request is one aligned 32-bit word, so that a signal handler may make it: ``request(signal:)``
/// does a load and a store, nothing else (async-signal-safe once ``prepare()`` has run). Readable from
/// any thread; the request cannot be withdrawn.
public enum Interruption {
    /// 0, or the number of the signal that asked the process to stop.
    nonisolated(unsafe) private static let word: UnsafeMutablePointer<Int32> = {
        let pointer = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        pointer.initialize(to: 0)
        return pointer
    }()

    /// Allocates the request word. Call before installing a signal handler that calls ``request(signal:)``
    /// (the first access of a Swift global is not async-signal-safe). Idempotent.
    public static func prepare() { _ = word }

    /// The signal that asked the process to stop, or nil while none has.
    public static var signal: Int32? {
        let value = word.pointee
        return value == 0 ? nil : value
    }

    /// Records that `signal` asks the process to stop. The first request wins. Async-signal-safe after ``prepare()``.
    public static func request(signal: Int32) {
        if word.pointee == 0 { word.pointee = signal }
    }

    /// Throws ``BlobStoreError/Kind/interrupted`` once a stop was requested; returns at once otherwise.
    public static func check() throws {
        if let signal { throw BlobStoreError(.interrupted, "interrupted by \(name(of: signal))") }
    }

    /// `SIGINT`, `SIGTERM`, or `signal N`.
    public static func name(of signal: Int32) -> String {
        switch signal {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(signal)"
        }
    }
}
