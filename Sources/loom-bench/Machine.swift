import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The machine a run was measured on, printed with every report (figures are comparable only on one machine).
struct Machine: Sendable {
    /// Online cores (`sysconf(_SC_NPROCESSORS_ONLN)`).
    let cores: Int
    /// Physical memory in bytes.
    let memory: Int
    /// `model name` from /proc/cpuinfo, or "unknown".
    let cpu: String
    /// Bytes available to an unprivileged user on the work directory's file system.
    let freeDisk: Int
    /// `loom --version`.
    let loomVersion: String
    /// The date of the run, `YYYY-MM-DD HH:MM UTC`.
    let date: String

    /// Describes this machine; `directory` must exist (its file system's free space is reported).
    static func current(workdir directory: String, loomVersion: String) -> Machine {
        let cores = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        let memory = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        var cpu = "unknown"
        if let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
            let colon = line.firstIndex(of: ":")
        {
            cpu = String(line[line.index(after: colon)...]).trimmingWhitespace
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return Machine(
            cores: cores, memory: memory, cpu: cpu, freeDisk: freeBytes(directory), loomVersion: loomVersion,
            date: formatter.string(from: Date()))
    }

    /// Bytes available on the file system holding `path` (`statvfs`: f_bavail × f_frsize); 0 on error.
    static func freeBytes(_ path: String) -> Int {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return 0 }
        return Int(info.f_bavail) * Int(info.f_frsize)
    }

    /// `2 cores, 23.4 GB RAM, AMD EPYC, 72.1 GB free`.
    var summary: String {
        "\(cores) cores, \(Units.bytes(memory)) RAM, CPU \(cpu), \(Units.bytes(freeDisk)) free on the work directory; loom \(loomVersion); \(date)"
    }
}
