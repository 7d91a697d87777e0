import BlobStore

#if canImport(Glibc)
import Glibc
#endif

/// Turns SIGINT and SIGTERM into an orderly stop for commands that write: the first one requests an
/// ``Interruption`` (blob writers and the build loops then unwind, removing their temporary files and
/// releasing their leases on the way out, and the command exits 128 + the signal); a second one ends
/// the process at once, as without this handler (gc then collects what it left at once: its pid is gone).
///
/// The handler only stores the signal's number (``Interruption/request(signal:)``); everything else
/// happens in the loops that check it. Install it only around work that checks ``Interruption`` (build,
/// registration, pull): a command that never checks would otherwise not stop on the first Ctrl-C.
/// Idempotent; call it from the main thread before the work starts (threads started later inherit its
/// signal mask, in which it unblocks both).
package enum InterruptHandler {
    /// Starts handling SIGINT and SIGTERM this way for the rest of the process. Idempotent.
    package static func install() {
        _ = installed
    }

    /// The signal that asked this process to stop, or nil.
    package static var signal: Int32? { Interruption.signal }

    /// `SIGINT`, `SIGTERM`, or `signal N`.
    package static func signalName(_ signal: Int32) -> String { Interruption.name(of: signal) }

    /// The exit status for a process stopped by `signal`: 128 + its number (130 for SIGINT, 143 for SIGTERM).
    package static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }

    private static let installed: Bool = {
        Interruption.prepare()
        var signals = sigset_t()
        sigemptyset(&signals)
        for number in [SIGINT, SIGTERM] {
            installHandler(for: number)
            sigaddset(&signals, number)
        }
        // A parent that spawned us from a thread with these signals blocked (a test runner's worker
        // thread, say) passed that mask on; blocked, they would wait unseen until the process ended.
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        return true
    }()
}

/// Makes ``handleInterrupt(_:)`` the handler of `number` (outside ``InterruptHandler``, whose `signal`
/// property would hide the C function).
private func installHandler(for number: Int32) {
    _ = signal(number, handleInterrupt)
}

/// The signal handler: async-signal-safe calls only (a load, a store; `signal` and `raise` when asked twice).
private func handleInterrupt(_ number: Int32) {
    if Interruption.signal != nil {
        // Asked twice: stop waiting for the unwinding and end as the default action would.
        _ = signal(number, SIG_DFL)
        _ = raise(number)
        return
    }
    Interruption.request(signal: number)
}

extension Registry {
    /// Throws ``RegistryError/Kind/interrupted`` once the process was asked to stop (``Interruption``).
    static func checkInterrupted() throws(RegistryError) {
        do {
            try Interruption.check()
        } catch {
            throw RegistryError(error)
        }
    }
}
