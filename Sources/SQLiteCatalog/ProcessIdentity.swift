internal import LoomCore
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Who this process is, for the event log's `actor` and a lease's holder.
///
/// Read once per process; immutable and safe to share between threads.
struct ProcessIdentity: Sendable, Equatable {
    /// The effective user's login name (`$USER`, then the uid, when the password database has none).
    let user: String
    /// This machine's host name.
    let host: String
    /// This process's id.
    let pid: Int32
    /// This process's start time (``ProcessStartTime``), nil where unknown.
    let startTime: Int64?

    /// `"<user>@<host> pid <pid>"`.
    var actor: String { "\(user)@\(host) pid \(pid)" }

    static let current = ProcessIdentity(
        user: currentUser(), host: currentHost(), pid: getpid(), startTime: ProcessStartTime.of(getpid()))

    private static func currentUser() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            let user = String(cString: name)
            if !user.isEmpty { return user }
        }
        if let env = getenv("USER") {
            let user = String(cString: env)
            if !user.isEmpty { return user }
        }
        return "uid\(geteuid())"
    }

    private static func currentHost() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return host.isEmpty ? "localhost" : host
    }
}
