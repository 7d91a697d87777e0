package import Foundation
internal import LoomCore

/// When a process started, as the kernel counts it: with the pid, it names one process, where a pid
/// alone may since have been reused by another.
///
/// Linux: field 22 of `/proc/PID/stat`, clock ticks since boot. Other systems: unknown (nil), and lease
/// holders are then told apart by pid and expiry only. Stateless; safe from any thread.
package enum ProcessStartTime {
    /// The start time of process `pid`, or nil when it does not run or the system does not say.
    package static func of(_ pid: Int32) -> Int64? {
        #if os(Linux)
        guard pid > 0, let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        return parse(data)
        #else
        return nil
        #endif
    }

    /// Field 22 of a `/proc/PID/stat` line. The command name (field 2) is in parentheses and may hold
    /// spaces and parentheses itself, so fields are counted after its last `)`.
    package static func parse(_ data: Data) -> Int64? {
        guard let close = data.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = data[data.index(after: close)...].split(separator: UInt8(ascii: " "))
        // After ")": field 3 (state) is fields[0], so field 22 is fields[19].
        guard fields.count > 19 else { return nil }
        return Int64(String(decoding: fields[19], as: UTF8.self))
    }
}
