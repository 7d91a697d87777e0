import Foundation
import LoomCore

/// Human formatting for tables: sizes in binary units, relative ages, short digests.
enum Format {
    static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(n)
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(n) B" : String(format: value >= 100 ? "%.0f %@" : "%.1f %@", value, units[unit])
    }

    static func age(_ date: Date, now: Date = Date()) -> String {
        let s = Int(now.timeIntervalSince(date))
        switch s {
        case ..<5: return "just now"
        case ..<60: return "\(s) seconds ago"
        case ..<3600: return plural(s / 60, "minute")
        case ..<86400: return plural(s / 3600, "hour")
        default: return plural(s / 86400, "day")
        }
    }

    /// `just now`, `41s ago`, `5m ago`, `3h ago`, `2d ago`: the age for narrow table columns.
    static func shortAge(_ date: Date, now: Date = Date()) -> String {
        let s = Int(now.timeIntervalSince(date))
        switch s {
        case ..<5: return "just now"
        case ..<60: return "\(s)s ago"
        case ..<3600: return "\(s / 60)m ago"
        case ..<86400: return "\(s / 3600)h ago"
        default: return "\(s / 86400)d ago"
        }
    }

    private static func plural(_ n: Int, _ unit: String) -> String { "\(n) \(unit)\(n == 1 ? "" : "s") ago" }

    /// `sha256:` and the first 12 hex digits.
    static func short(_ digest: String) -> String {
        guard digest.hasPrefix(Digest.prefix) else { return digest }
        return Digest.text(hexPrefix: Digest.hexPart(of: digest).prefix(12))
    }
}

extension Format {
    /// `text` cut to at most `width` characters, the last one `…` when anything was cut.
    static func clip(_ text: String, to width: Int?) -> String {
        guard let width, text.count > width else { return text }
        return width < 1 ? "" : String(text.prefix(width - 1)) + "…"
    }

    /// Free text (a tree, `key: value` lines) fitted to `width`: every full digest cut to its
    /// 19-character short form, then every longer line cut with `…`. Nil returns `text` unchanged.
    static func fitted(_ text: String, to width: Int?) -> String {
        guard let width else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            clip(String(line).replacing(#/sha256:([0-9a-f]{12})[0-9a-f]{52}/#) { "sha256:" + $0.output.1 }, to: width)
        }.joined(separator: "\n")
    }

    /// A count for people, in thousands (K), millions (M), billions (B) or trillions (T) with three
    /// significant digits (`22.7M`, `7.24B`, `512`), as model cards write parameter counts.
    static func count(_ n: Int64) -> String {
        let units = ["K", "M", "B", "T"]
        guard abs(n) >= 1000 else { return "\(n)" }
        var scaled = Double(n) / 1000
        var unit = 0
        while abs(scaled) >= 1000, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        func threeDigits(_ x: Double) -> String {
            String(format: "%.\(abs(x) >= 99.95 ? 0 : abs(x) >= 9.995 ? 1 : 2)f", x)
        }
        var text = threeDigits(scaled)
        // Rounding can reach the next unit: 999,960 is 1M, not 1000K.
        if let rounded = Double(text), abs(rounded) >= 1000, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
            text = threeDigits(scaled)
        }
        return trimmed(text) + units[unit]
    }

    /// `1.50` → `1.5`, `2.00` → `2`.
    private static func trimmed(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = Substring(text)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }
}
