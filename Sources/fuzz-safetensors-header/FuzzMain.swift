import LoomTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `fuzz-safetensors-header`: feeds bytes, as the start of a safetensors file, to `FuzzEntries.safetensorsHeader`.
///
/// Built with `-Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING` (`Scripts/fuzz.sh`), it is a
/// libFuzzer binary taking libFuzzer's flags and corpus folders; a broken promise traps so that
/// libFuzzer saves the input. Built normally, it replays the files or folders given as arguments
/// and exits non-zero when one breaks a promise.
@main
enum FuzzMain {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
        #else
        exit(FuzzEntries.replay(Array(CommandLine.arguments.dropFirst()), through: FuzzEntries.safetensorsHeader))
        #endif
    }
}

#if FUZZING
/// One libFuzzer input. Also exported as `LLVMFuzzerTestOneInput`: SwiftPM links the executable with
/// `--defsym main=…`, which lets libFuzzer's own `main` (and its reference to that symbol) in too.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let outcome = FuzzEntries.safetensorsHeader(UnsafeRawBufferPointer(start: data, count: size))
    precondition(outcome.violations.isEmpty, outcome.violations.joined(separator: "; "))
    return 0
}

/// libFuzzer's driver, linked by `-sanitize=fuzzer`: parses the libFuzzer flags in `argv` and calls
/// `callback` with each generated input until a crash or a limit.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32
#endif
