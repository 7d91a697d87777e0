import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `--wide`, and the width that text output fits when it is not given.
///
/// The width is, in this order: `$COLUMNS` when it is a positive integer (environ(7): it overrides the
/// terminal's size; `--help` reads it the same way); the terminal's width (TIOCGWINSZ) when stdout is a
/// terminal; otherwise no limit, so a pipe or a file gets every character, as with `ps` and `systemctl`.
/// `--json` output never depends on it.
struct WidthOptions: ParsableArguments {
    @Flag(help: "Print every column and digest in full, whatever the terminal's width.")
    var wide = false

    /// The number of columns text output must fit, or nil for no limit.
    var width: Int? { wide ? nil : Self.outputWidth() }

    /// The width from `environment` and stdout's terminal, as the type's documentation says.
    static func outputWidth(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int? {
        if let text = environment["COLUMNS"], let columns = Int(text), columns > 0 { return columns }
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
