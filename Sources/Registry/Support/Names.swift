/// The naming rules of the CLI contract: names, `NAME@VERSION` references and `NAME[@V]:WEIGHT` inputs.
public enum Names {
    /// The rule, as shown in error messages.
    public static let rule =
        "names are 1–128 characters of letters, digits, '.', '_' and '-', starting with a letter or digit"

    /// Checks a name against ``rule``.
    ///
    /// - Throws: ``RegistryError`` (`.invalid`) quoting the name (control characters escaped) and the rule.
    public static func validate(_ name: String) throws(RegistryError) {
        let bytes = Array(name.utf8)
        func allowed(_ b: UInt8, first: Bool) -> Bool {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return true
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"):
                return !first
            default:
                return false
            }
        }
        guard (1...128).contains(bytes.count), allowed(bytes[0], first: true),
            bytes.dropFirst().allSatisfy({ allowed($0, first: false) })
        else {
            throw .invalid("invalid name \(quoted(name)): \(rule)")
        }
    }

    /// A name shown safely in a message: at most 60 characters, control characters escaped as
    /// `\u{…}`, and `"` and `\` escaped with a backslash so that the quotes around it are unambiguous.
    static func quoted(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(60) {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else if scalar == "\"" || scalar == "\\" {
                out += "\\"
                out.unicodeScalars.append(scalar)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if text.unicodeScalars.count > 60 { out += "…(\(text.utf8.count) bytes)" }
        return "\"" + out + "\""
    }
}

/// `NAME` or `NAME@VERSION`: a registered base, adapter or recipe; a bare name means the latest version.
public struct Reference: Sendable, Equatable, CustomStringConvertible {
    public var name: String
    public var version: Int?

    public init(name: String, version: Int? = nil) {
        self.name = name
        self.version = version
    }

    /// Parses `NAME[@VERSION]`.
    ///
    /// - Throws: ``RegistryError`` (`.invalid`) for a bad name or version.
    public init(parsing text: String) throws(RegistryError) {
        if let at = text.lastIndex(of: "@") {
            let versionText = text[text.index(after: at)...]
            guard versionText.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), let v = Int(versionText), v >= 1 else {
                throw .invalid("invalid version in \(Names.quoted(text)): expected NAME@N with N a positive integer")
            }
            name = String(text[..<at])
            version = v
        } else {
            name = text
            version = nil
        }
        try Names.validate(name)
    }

    public var description: String { version.map { "\(name)@\($0)" } ?? name }
}

/// `NAME[@VERSION][:WEIGHT]`: one adapter of a build; the weight defaults to 1.
public struct WeightedReference: Sendable, Equatable, CustomStringConvertible {
    public var reference: Reference
    public var weight: Double

    public init(reference: Reference, weight: Double = 1) {
        self.reference = reference
        self.weight = weight
    }

    /// Parses `NAME[@V][:WEIGHT]`; the weight is any finite number, negative allowed.
    ///
    /// - Throws: ``RegistryError`` (`.invalid`).
    public init(parsing text: String) throws(RegistryError) {
        if let colon = text.lastIndex(of: ":") {
            let weightText = String(text[text.index(after: colon)...])
            // Decimal only: Double(String) would also take "0x10", "nan" and "inf".
            let decimal = weightText.wholeMatch(of: /[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?/) != nil
            guard decimal, let w = Double(weightText), w.isFinite else {
                throw .invalid("invalid weight in \(Names.quoted(text)): expected NAME[@N]:WEIGHT with a finite number")
            }
            reference = try Reference(parsing: String(text[..<colon]))
            weight = w
        } else {
            reference = try Reference(parsing: text)
            weight = 1
        }
    }

    public var description: String { weight == 1 ? reference.description : "\(reference):\(weight)" }
}
