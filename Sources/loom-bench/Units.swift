import Foundation

/// Human-readable numbers for the report: decimal units (1 GB = 10⁹ bytes), as the figures are.
enum Units {
    /// `974.2 MB`, `13.48 GB`, `512 KB`.
    static func bytes(_ count: Int) -> String {
        let value = Double(count)
        if value >= 1e9 { return decimal(value / 1e9, digits: 2) + " GB" }
        if value >= 1e6 { return decimal(value / 1e6, digits: 1) + " MB" }
        if value >= 1e3 { return decimal(value / 1e3, digits: 0) + " KB" }
        return "\(count) B"
    }

    /// `12.3 ms` below one second, `1.234 s` from there on.
    static func seconds(_ value: Double) -> String {
        value < 1 ? decimal(value * 1000, digits: 1) + " ms" : decimal(value, digits: 3) + " s"
    }

    /// `value` with exactly `digits` digits after the point.
    static func decimal(_ value: Double, digits: Int) -> String {
        String(format: "%.\(digits)f", value)
    }
}

extension Units {
    /// `10,000`: thousands separated by commas, whatever the locale.
    static func grouped(_ value: Int) -> String {
        var digits = String(value.magnitude)
        var groups: [Substring] = []
        while digits.count > 3 {
            groups.insert(digits.suffix(3), at: 0)
            digits.removeLast(3)
        }
        groups.insert(Substring(digits), at: 0)
        return (value < 0 ? "-" : "") + groups.joined(separator: ",")
    }
}
