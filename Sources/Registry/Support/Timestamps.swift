package import Foundation

/// ISO-8601 UTC times with milliseconds (`2026-11-29T14:56:38.123Z`), the format of every time loom
/// writes (catalog, provenance, JSON output). Locale-independent; thread-safe.
package enum Timestamps {
    package static func iso(_ date: Date) -> String {
        var seconds = date.timeIntervalSince1970
        var millis = Int((seconds * 1000).rounded(.down)) % 1000
        if millis < 0 { millis += 1000 }
        seconds = (seconds * 1000).rounded(.down) / 1000
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), millis)
    }
}
