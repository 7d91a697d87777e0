#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fault injection for crash and full-disk tests. Compiled in, inert unless the environment asks.
///
/// - `LOOM_FAULT=<point>`: the process kills itself with SIGKILL when it reaches ``point(_:)`` with that
///   name; `<point>#N` waits for the Nth time the point is reached (several entries may be given,
///   comma-separated). Used to prove that a crash at any step leaves the store consistent.
/// - `LOOM_FAULT_STOP=<point>`: the process stops itself (SIGSTOP) the first time it reaches that point,
///   so that a test can act at a known step (send SIGINT, look at the files) and then continue it (SIGCONT);
///   once continued it waits 0.3 s before going on, so that a signal sent meanwhile is handled first.
/// - `LOOM_FAULT_ENOSPC_AFTER=<bytes>`: data writes through ``checkWrite(total:adding:)`` fail with
///   `ENOSPC` once the file being written would grow past that many bytes.
///
/// The environment is read once per process; every member is safe to call from any thread.
public enum Fault {
    /// Armed point names and the hit on which each fires (1 = the first).
    private static let armed: [String: Int] = {
        guard let raw = getenv("LOOM_FAULT") else { return [:] }
        var out: [String: Int] = [:]
        for entry in String(cString: raw).split(separator: ",") {
            let parts = entry.split(separator: "#", maxSplits: 1)
            out[String(parts[0])] = parts.count == 2 ? max(1, Int(parts[1]) ?? 1) : 1
        }
        return out
    }()

    private static let hits = HitCounter()

    private static let stopAt: String? = getenv("LOOM_FAULT_STOP").map { String(cString: $0) }

    private static let enospcAfter: Int64? = {
        guard let raw = getenv("LOOM_FAULT_ENOSPC_AFTER") else { return nil }
        return Int64(String(cString: raw))
    }()

    /// True when any fault is armed (lets hot paths skip bookkeeping).
    public static var isArmed: Bool { !armed.isEmpty || enospcAfter != nil || stopAt != nil }

    /// A named step. Kills the process (SIGKILL, no cleanup, no buffered output) when armed.
    @inlinable
    public static func point(_ name: String) {
        if _slowPathArmed { _hit(name) }
    }

    /// Whether a point check must look at the names at all.
    public static let _slowPathArmed: Bool = !armed.isEmpty || stopAt != nil

    public static func _hit(_ name: String) {
        if name == stopAt, hits.increment("stop:" + name) == 1 {
            raise(SIGSTOP)
            // Continued: a signal the test sent while we were stopped may be handled on another thread;
            // give it time to be, so that the test does not race the rest of this step.
            usleep(300_000)
        }
        guard let target = armed[name], hits.increment(name) == target else { return }
        kill(getpid(), SIGKILL)
        // SIGKILL cannot be caught; this line is not reached.
        _exit(137)
    }

    /// The errno a write that takes a file from `total` to `total + adding` bytes must fail with, or nil.
    public static func checkWrite(total: Int64, adding: Int) -> Int32? {
        guard let limit = enospcAfter else { return nil }
        return total + Int64(adding) > limit ? ENOSPC : nil
    }
}

/// Counts hits per point name; thread-safe.
private final class HitCounter: @unchecked Sendable {
    // @unchecked: `counts` is only touched under `lock`.
    private var lock = pthread_mutex_t()
    private var counts: [String: Int] = [:]

    init() { pthread_mutex_init(&lock, nil) }

    func increment(_ name: String) -> Int {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        counts[name, default: 0] += 1
        return counts[name, default: 0]
    }
}
