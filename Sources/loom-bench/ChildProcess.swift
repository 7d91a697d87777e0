#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs one child process with `posix_spawnp` and reaps it with `wait4`, timing it and reading its rusage.
///
/// `wait4(pid, …, &usage)` gives this child's own peak RSS; `getrusage(RUSAGE_CHILDREN)` would give the
/// maximum over every child so far. Wall time runs from just before the spawn to just after the reap,
/// so it includes process start-up and exit, as a user in a shell would see them.
enum ChildProcess {
    /// What one run of a child did.
    struct Outcome: Sendable {
        /// Seconds from spawn to reap (monotonic clock).
        let wall: Double
        /// The child's peak resident set size in bytes (`ru_maxrss`).
        let peakRSS: Int
        /// The exit status, or 128 + signal number when a signal ended it.
        let status: Int32

        var succeeded: Bool { status == 0 }
    }

    /// Runs `arguments` (the first one is looked up on `PATH` unless it contains `/`) with stdin from
    /// `/dev/null` and stdout and stderr to the given files (created or truncated; `/dev/null` when nil).
    ///
    /// - Throws: ``BenchError`` when the child cannot be started or reaped. A non-zero exit is not an error:
    ///   look at ``Outcome/status``.
    static func run(_ arguments: [String], stdout: String? = nil, stderr: String? = nil) throws -> Outcome {
        precondition(!arguments.isEmpty, "no command")
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for pointer in argv { free(pointer) } }

        var pid: pid_t = 0
        let start = now()
        let spawned = posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw BenchError("cannot start \(arguments[0]): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw BenchError("wait4 for \(arguments[0]) failed: \(String(cString: strerror(errno)))") }
        }
        let wall = now() - start
        // WIFEXITED/WEXITSTATUS are macros Swift does not import.
        let signal = status & 0x7F
        let code = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return Outcome(wall: wall, peakRSS: Int(usage.ru_maxrss) * 1024, status: code)
    }

    /// Runs `arguments` and throws unless it exits 0, quoting the end of its stderr.
    ///
    /// - Parameter scratch: a directory for the stderr file.
    @discardableResult
    static func check(_ arguments: [String], stdout: String? = nil, scratch: String) throws -> Outcome {
        let errors = scratch + "/stderr.txt"
        let outcome = try run(arguments, stdout: stdout, stderr: errors)
        guard outcome.succeeded else {
            throw BenchError("\(arguments.joined(separator: " ")) exited with status \(outcome.status): \(tail(of: errors))")
        }
        return outcome
    }

    /// The last lines of a text file (at most 2,000 bytes), for error messages.
    static func tail(of path: String) -> String {
        guard let file = fopen(path, "r") else { return "(no output)" }
        defer { fclose(file) }
        fseek(file, 0, SEEK_END)
        let size = ftell(file)
        fseek(file, max(0, size - 2000), SEEK_SET)
        var bytes = [UInt8](repeating: 0, count: 2000)
        let n = fread(&bytes, 1, bytes.count, file)
        let text = String(decoding: bytes[0..<n], as: UTF8.self).trimmingWhitespace
        return text.isEmpty ? "(no output)" : text
    }

    /// Seconds on the monotonic clock.
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[first...last])
    }
}
