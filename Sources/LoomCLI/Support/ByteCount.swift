import ArgumentParser

/// A `SIZE` argument: a whole number of bytes with an optional `K`, `M`, `G` or `T` suffix (powers of
/// 1024, either case). `0` is valid. Fractions, other units and values past `Int64.max` are refused.
struct ByteCount: Equatable {
    /// The number of bytes.
    var bytes: Int64

    private static let multipliers: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]

    /// Parses `text`, for `@Option(transform:)`.
    ///
    /// - Throws: `ValidationError` saying what a SIZE looks like; argument-parser names the value and the
    ///   option and exits with the usage code.
    static func parse(_ text: String) throws -> ByteCount {
        var digits = Substring(text)
        var multiplier: Int64 = 1
        if let last = digits.last, last.isASCII, let m = multipliers[Character(last.uppercased())] {
            multiplier = m
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(digits) else {
            throw ValidationError("a SIZE is a whole number of bytes with an optional K, M, G or T suffix, such as 512, 10K or 20G")
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw ValidationError("that is more bytes than loom can count") }
        return ByteCount(bytes: bytes)
    }
}
