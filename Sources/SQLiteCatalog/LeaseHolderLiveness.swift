#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif
package import LoomCore

/// The host fast path for leases: whether a lease's holder can no longer be running, judged on this
/// host only. Leases end by expiry (they are time-based, renewed by their holder); this only lets a
/// holder that died on this host be taken over at once instead of after its expiry.
package enum LeaseHolderLiveness {
    /// True when `lease`'s holder ran on this host and its pid no longer exists, or a process with that
    /// pid started at another time than the holder did (the pid was reused). A holder on another host
    /// is never judged here: false.
    package static func isGone(_ lease: LeaseRecord) -> Bool {
        guard lease.holderHost == ProcessIdentity.current.host else { return false }
        if kill(pid_t(lease.holderPID), 0) != 0 && errno == ESRCH { return true }
        guard let recorded = lease.holderStartTime, let actual = ProcessStartTime.of(lease.holderPID) else { return false }
        return actual != recorded
    }
}
