import ArgumentParser

/// A `SIZE` argument: a number of bytes with an optional `K`, `M`, `G` or `T` suffix (powers of 1024,
/// either case). A decimal fraction is allowed with a suffix (`1.5G`) and rounded down to a whole byte;
/// without one the number is whole bytes. `0` is valid. Other units, signs, exponents and values past
/// `Int64.max` are refused.
struct ByteCount: Equatable {
    /// The number of bytes.
    var bytes: Int64

    private static let multipliers: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
    private static let usage = "a SIZE is a number of bytes with an optional K, M, G or T suffix, such as 512, 10K, 1.5G or 20G"

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
        let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0], fraction = parts.count > 1 ? parts[1] : nil
        func isDigits(_ s: Substring) -> Bool { !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }
        guard isDigits(whole), let number = Int64(whole), fraction.map(isDigits) ?? true else { throw ValidationError(usage) }
        if fraction != nil && multiplier == 1 {
            throw ValidationError("a SIZE without a K, M, G or T suffix is whole bytes; a fraction needs a suffix, such as 1.5K")
        }
        let (wholeBytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw ValidationError("that is more bytes than loom can count") }
        // At most 2^40 × (a fraction below 1): well inside a Double's exact range once rounded down.
        let fractionBytes = fraction.flatMap { Double("0." + $0) }.map { Int64(($0 * Double(multiplier)).rounded(.down)) } ?? 0
        let (bytes, overflowed) = wholeBytes.addingReportingOverflow(fractionBytes)
        guard !overflowed else { throw ValidationError("that is more bytes than loom can count") }
        return ByteCount(bytes: bytes)
    }
}
