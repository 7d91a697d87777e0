internal import LoomCore

extension LeaseRecord {
    /// True when this process (same pid on the same host) holds the lease.
    package var isHeldByThisProcess: Bool {
        holderPID == ProcessIdentity.current.pid && holderHost == ProcessIdentity.current.host
    }
}
