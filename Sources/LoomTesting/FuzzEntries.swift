#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fuzz targets' entry points, shared by the libFuzzer executables (`fuzz-safetensors-header`,
/// `fuzz-adapter-config`) and `FuzzRegressionTests`, so a reproducer replays exactly the code that failed.
///
/// Each entry takes arbitrary bytes, runs them through a parser and, when the parser accepts them,
/// through what consumes the parsed value; it checks the promises an accepted value makes and
/// returns a ``FuzzOutcome``. An entry never throws: a refusal with the module's error is a normal
/// outcome, a trap is the bug being hunted, and a broken promise is listed in
/// ``FuzzOutcome/violations``. Stateless; safe to call from any thread.
///
/// ## Topics
/// - ``safetensorsHeader(_:)`` (in `FuzzEntries+SafetensorsHeader.swift`)
/// - ``adapterConfig(_:)`` (in `FuzzEntries+AdapterConfig.swift`)
/// - ``replay(_:through:)``, ``fnv1a(_:)``
public enum FuzzEntries {
    /// Runs every file named in `paths` (directories: every regular file inside, sorted) through
    /// `entry`, printing one line per file and each violation.
    ///
    /// For the fuzz executables built without `-DFUZZING`: `swift run fuzz-adapter-config crash-…`
    /// replays a reproducer in a normal build.
    ///
    /// - Returns: the process exit status: 0 when every file ran without a violation, 1 when one
    ///   broke a promise, 2 when a file could not be read.
    public static func replay(_ paths: [String], through entry: (UnsafeRawBufferPointer) -> FuzzOutcome) -> Int32 {
        var status: Int32 = 0
        for path in paths.flatMap(files(at:)) {
            guard let bytes = readFile(path) else {
                print("\(path): cannot read")
                status = max(status, 2)
                continue
            }
            let outcome = bytes.withUnsafeBytes { entry($0) }
            print("\(path): \(bytes.count) bytes, \(outcome.accepted) accepted, \(outcome.refused) refused")
            for violation in outcome.violations { print("  violation: \(violation)") }
            if !outcome.violations.isEmpty { status = max(status, 1) }
        }
        return status
    }

    /// FNV-1a (64-bit) of the bytes: a stable per-input choice of variant that the fuzzer can steer.
    public static func fnv1a(_ data: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash
    }

    /// The path itself, or the regular files directly inside it (sorted) when it is a directory.
    static func files(at path: String) -> [String] {
        guard let dir = opendir(path) else { return [path] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted().map { path + "/" + $0 }
    }

    /// The whole file, or nil when it cannot be opened or read.
    static func readFile(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            bytes.append(contentsOf: chunk[0..<n])
            if n < chunk.count { return ferror(file) == 0 ? bytes : nil }
        }
    }
}

/// What one fuzz input did: how many parses accepted or refused it, and which promises broke.
///
/// A value type, `Sendable`. Only ``violations`` signals a bug; the counts are for replay output and
/// for tests that check a seed is still accepted.
public struct FuzzOutcome: Sendable, Equatable {
    /// Parses or analyses that succeeded.
    public var accepted = 0
    /// Parses or analyses refused with the module's error (the expected way to say no).
    public var refused = 0
    /// Promises an accepted value broke, each naming what and where; empty unless there is a bug.
    public var violations: [String] = []

    /// An outcome with nothing counted.
    public init() {}

    /// Records a broken promise unless `condition` holds.
    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { violations.append(message()) }
    }
}
