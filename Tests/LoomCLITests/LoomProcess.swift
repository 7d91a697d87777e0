import Foundation
import LoomJSON
import LoomTesting

#if canImport(Glibc)
import Glibc
#endif

/// What one run of the `loom` executable did: its exit status and everything it wrote.
struct LoomRun: CustomStringConvertible {
    var arguments: [String]
    var status: Int32
    var stdout: String
    var stderr: String
    /// The signal that ended the process, when one did (then `status` is that signal's number too).
    var signal: Int32? = nil

    /// stderr split into lines, without the final newline's empty line.
    var stderrLines: [Substring] {
        Array(stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast(stderr.hasSuffix("\n") ? 1 : 0))
    }

    var description: String {
        "loom \(arguments.joined(separator: " ")) → \(signal.map { "killed by signal \($0)" } ?? "exit \(status)")\n--- stdout:\n\(stdout)\n--- stderr:\n\(stderr)"
    }

    /// Throws unless the command exited 0.
    @discardableResult
    func succeeded() throws -> LoomRun {
        guard status == 0, signal == nil else { throw LoomProcessError("expected success:\n\(self)") }
        return self
    }

    /// stdout parsed as exactly one JSON document (the `--json` contract); the command must have succeeded.
    func json() throws -> JSONValue {
        try succeeded()
        do {
            return try JSONParser().parse(stdout)
        } catch {
            throw LoomProcessError("stdout is not exactly one JSON document (\(error)):\n\(self)")
        }
    }
}

/// A failure of the harness or of an expectation about a run, with the run's output in its description.
struct LoomProcessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs the built `loom` executable as a child process, the way a user or a script would.
///
/// The executable sits next to the test bundle (`swift build --build-tests` builds both). Every child gets a
/// clean environment: no `LOOM_*` variables unless a test passes them, `SWIFT_BACKTRACE=enable=no` (a crash
/// prints no multi-page backtrace) and `COLUMNS=100` (help wraps the same on every terminal). Output goes to
/// files, not pipes, so children started by parallel tests never hold each other's pipes open.
enum LoomProcess {
    /// Absolute path of the `loom` executable, or nil when it was not built.
    static let executable: String? = locate()

    /// Runs `loom arguments…` and waits for it.
    ///
    /// - Parameters:
    ///   - environment: variables to set (or override) in the child's clean environment.
    ///   - directory: the child's working directory (default: the test process's).
    ///   - timeout: the child is killed, and the run throws, after this many seconds.
    /// - Throws: ``LoomProcessError`` when the executable is missing, cannot start, or times out.
    static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil, timeout: TimeInterval = 180
    ) throws -> LoomRun {
        guard let executable else {
            throw LoomProcessError(
                "no loom executable next to the test bundle (\(searchedDirectories.joined(separator: ", "))); "
                    + "run `swift build --build-tests` first")
        }
        let outputs = try TemporaryDirectory(prefix: "loom-cli-output")
        let outPath = outputs.file("stdout"), errPath = outputs.file("stderr")
        guard FileManager.default.createFile(atPath: outPath, contents: nil), FileManager.default.createFile(atPath: errPath, contents: nil),
            let out = FileHandle(forWritingAtPath: outPath), let err = FileHandle(forWritingAtPath: errPath)
        else {
            throw LoomProcessError("cannot create output files in \(outputs.path)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = childEnvironment(environment)
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw LoomProcessError("cannot start \(executable): \(error)")
        }
        try? out.close()
        try? err.close()
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            if exited.wait(timeout: .now() + 5) == .timedOut { kill(process.processIdentifier, SIGKILL) }
            throw LoomProcessError("loom \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        let signal = process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
        return LoomRun(arguments: arguments, status: process.terminationStatus, stdout: stdout, stderr: stderr, signal: signal)
    }

    static func childEnvironment(_ overrides: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter { key, _ in !key.hasPrefix("LOOM_") && key != "LINES" }
        env["SWIFT_BACKTRACE"] = "enable=no"
        env["COLUMNS"] = "100"
        env.merge(overrides) { _, new in new }
        return env
    }

    /// Where the executable may be: the directory of the running test binary, then the bundle's and its parents
    /// (on macOS the bundle is `…/debug/loomPackageTests.xctest/Contents/MacOS`).
    private static var searchedDirectories: [String] {
        var directories: [String] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            directories.append((exe as NSString).deletingLastPathComponent)
        }
        var url = Bundle.main.bundleURL
        for _ in 0..<4 {
            directories.append(url.path)
            url = url.deletingLastPathComponent()
        }
        return directories
    }

    private static func locate() -> String? {
        searchedDirectories.map { $0 + "/loom" }.first { path in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && FileManager.default.isExecutableFile(atPath: path)
        }
    }
}
