import Foundation
import LoomTesting

#if canImport(Glibc)
import Glibc
#endif

/// A `loom` process running in the background, whose stderr a test can watch while it runs: to act at a
/// known step of it (once it says it is waiting for a lease) instead of after a guessed delay.
///
/// Same environment and output handling as ``LoomProcess/run(_:environment:in:timeout:)``. One owner;
/// call ``finish(timeout:)`` exactly once.
final class LoomChild {
    let arguments: [String]
    private let process = Process()
    private let outputs: TemporaryDirectory
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `loom arguments… --store <store>` in the store's temporary directory, with `environment` added.
    init(_ arguments: [String], store: CLIStore, environment: [String: String] = [:]) throws {
        guard let executable = LoomProcess.executable else { throw LoomProcessError("no loom executable next to the test bundle") }
        self.arguments = arguments + ["--store", store.path]
        outputs = try TemporaryDirectory(prefix: "loom-cli-child")
        guard FileManager.default.createFile(atPath: outputs.file("stdout"), contents: nil),
            FileManager.default.createFile(atPath: outputs.file("stderr"), contents: nil),
            let out = FileHandle(forWritingAtPath: outputs.file("stdout")), let err = FileHandle(forWritingAtPath: outputs.file("stderr"))
        else { throw LoomProcessError("cannot create output files in \(outputs.path)") }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = self.arguments
        process.environment = LoomProcess.childEnvironment(environment)
        process.currentDirectoryURL = URL(fileURLWithPath: store.directory.path)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        let exited = self.exited
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        try? out.close()
        try? err.close()
    }

    /// The process id.
    var pid: Int32 { process.processIdentifier }

    /// Waits until the process has stopped itself (`LOOM_FAULT_STOP`: state `T` in `/proc/PID/stat`);
    /// false when it ended or `timeout` passed first.
    func waitUntilStopped(timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && process.isRunning {
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")"), stat[stat.index(after: close)...].hasPrefix(" T")
            {
                return true
            }
            usleep(5_000)
        }
        return false
    }

    /// What the process wrote to stderr so far.
    var stderr: String { (try? String(contentsOfFile: outputs.file("stderr"), encoding: .utf8)) ?? "" }

    /// Waits until stderr contains `text`; false when the process ended or `timeout` passed first.
    func waitForStderr(containing text: String, timeout: TimeInterval = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stderr.contains(text) { return true }
            if !process.isRunning { return stderr.contains(text) }
            usleep(20_000)
        }
        return false
    }

    /// Waits for the process to end and returns what it did; kills it after `timeout` seconds.
    func finish(timeout: TimeInterval = 180) throws -> LoomRun {
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            throw LoomProcessError("loom \(arguments.joined(separator: " ")) did not finish within \(Int(timeout)) s")
        }
        let stdout = (try? String(contentsOfFile: outputs.file("stdout"), encoding: .utf8)) ?? ""
        let signal = process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
        return LoomRun(arguments: arguments, status: process.terminationStatus, stdout: stdout, stderr: stderr, signal: signal)
    }
}
