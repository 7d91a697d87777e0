import Foundation

/// A Python interpreter for interoperability tests, when the machine has a suitable one.
///
/// Tests that need Python call ``withSafetensors()`` and skip, with a printed notice, when it returns
/// nil. Discovery runs once per process; every member is safe to call from any thread.
public enum TestPython {
    /// A Python that can `import safetensors, numpy`, or nil.
    ///
    /// Tried in order: `$LOOM_TEST_PYTHON`, `<package root>/.venv/bin/python`, `python3` on `PATH`.
    /// The answer is cached for the life of the process.
    public static func withSafetensors() -> String? {
        discovered
    }

    private static let discovered: String? = {
        var candidates: [String] = []
        if let configured = ProcessInfo.processInfo.environment["LOOM_TEST_PYTHON"], !configured.isEmpty {
            candidates.append(configured)
        }
        candidates.append(Fixtures.packageRoot + "/.venv/bin/python")
        candidates.append("python3")
        return candidates.first { python in
            (try? run(python, code: "import safetensors, numpy"))?.status == 0
        }
    }()

    /// Runs `python -c code arguments…` and waits for it.
    ///
    /// - Parameters:
    ///   - python: a path, or a bare name looked up on `PATH`.
    ///   - code: the program, passed with `-c`.
    ///   - arguments: available to the program as `sys.argv[1:]`.
    /// - Returns: the exit status and the combined standard output and error.
    /// - Throws: when the interpreter cannot be started.
    public static func run(_ python: String, code: String, arguments: [String] = []) throws -> (status: Int32, output: String) {
        let process = Process()
        if python.contains("/") {
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = ["-c", code] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [python, "-c", code] + arguments
        }
        // One pipe for both streams: reading two pipes one after the other can deadlock.
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
