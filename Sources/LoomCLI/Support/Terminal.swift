import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Writing to stdout and stderr. Results go to stdout; errors, notes and progress to stderr.
enum Terminal {
    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
