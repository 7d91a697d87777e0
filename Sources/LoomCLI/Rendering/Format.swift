import Foundation

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

    private static func plural(_ n: Int, _ unit: String) -> String { "\(n) \(unit)\(n == 1 ? "" : "s") ago" }

    /// `sha256:` and the first 12 hex digits.
    static func short(_ digest: String) -> String {
        guard digest.hasPrefix("sha256:") else { return digest }
        return String(digest.prefix(7 + 12))
    }
}

/// A plain-text table: a header row, left-aligned columns separated by two spaces.
struct Table {
    var headers: [String]
    var rows: [[String]] = []

    init(_ headers: String...) {
        self.headers = headers
    }

    mutating func add(_ cells: String...) { rows.append(cells) }

    func render() -> String {
        var widths = headers.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }  // an empty last cell leaves no trailing blanks
            return text
        }
        return ([line(headers)] + rows.map(line)).joined(separator: "\n")
    }
}
