import ArgumentParser
import LoomDocuments
import Registry

#if canImport(Glibc)
import Glibc
#endif

/// loom's exit codes (documented in README "Exit codes").
enum ExitCodes {
    static let io: Int32 = 1
    static let notFound: Int32 = 2
    static let invalid: Int32 = 3
    static let conflict: Int32 = 4
    /// `verify`: 16 plus a bit per kind of finding (1 blob, 2 reference, 4 catalog integrity, 8 event chain).
    static let verifyBase: Int32 = VerifyDocument.exitCodeBase

    static func code(for kind: RegistryError.Kind) -> Int32 {
        switch kind {
        case .notFound: return notFound
        case .invalid: return invalid
        case .conflict: return conflict
        case .io, .internal: return io
        case .interrupted: return InterruptHandler.exitStatus(for: InterruptHandler.signal ?? SIGINT)
        }
    }
}

/// Runs a command body, turning a `RegistryError` into one line on stderr and its exit code.
func runReporting(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as RegistryError {
        // Stopped by a signal: whatever the error unwound as (a write wrapped in an I/O error), the
        // work was abandoned because of it, and the exit status says so (130 SIGINT, 143 SIGTERM).
        if let signal = InterruptHandler.signal {
            Terminal.error("loom: interrupted by \(InterruptHandler.signalName(signal)); what was being written was removed")
            throw ExitCode(InterruptHandler.exitStatus(for: signal))
        }
        Terminal.error("loom: \(error.message)")
        throw ExitCode(ExitCodes.code(for: error.kind))
    }
}
