import ArgumentParser

/// A `DURATION` argument: `0`, or a whole number followed by `s`, `m`, `h` or `d` (`45s`, `30m`, `1h`, `2d`).
/// A bare non-zero number is refused (seconds or hours would be a guess).
struct TimeSpan: Equatable {
    /// The length of time.
    var duration: Duration

    private static let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]

    /// Parses `text`, for `@Option(transform:)`.
    ///
    /// - Throws: `ValidationError` saying what a DURATION looks like; argument-parser names the value and
    ///   the option and exits with the usage code.
    static func parse(_ text: String) throws -> TimeSpan {
        if text == "0" { return TimeSpan(duration: .zero) }
        let usage = "a DURATION is 0 or a whole number with a unit s, m, h or d, such as 45s, 30m, 1h or 2d"
        guard let unit = text.last, let seconds = units[unit] else { throw ValidationError(usage) }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(digits) else {
            throw ValidationError(usage)
        }
        let (total, overflow) = number.multipliedReportingOverflow(by: seconds)
        guard !overflow else { throw ValidationError("that is longer than loom can count") }
        return TimeSpan(duration: .seconds(total))
    }
}
