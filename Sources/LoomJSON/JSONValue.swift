/// A JSON document as parsed, with object key order and number literals preserved.
///
/// loom reads untrusted JSON (safetensors headers, `adapter_config.json`, `config.json`) and must keep
/// what plain dictionaries lose: PEFT's `rank_pattern` is matched in file order, and a rewritten
/// `config.json` should differ from the original only in the fields loom changes. Numbers therefore
/// keep their literal text (`1e-06` stays `1e-06`).
///
/// Values are immutable and `Sendable`; equality compares literals, so `1.0` and `1` differ.
///
/// ## Topics
/// - ``JSONParser`` parses bytes strictly.
/// - ``JSONWriter`` writes compact (canonical) or indented text.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// A number, as its JSON literal text (validated against the JSON grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// A number from an integer.
    public static func int<I: BinaryInteger>(_ value: I) -> JSONValue { .number(String(value)) }

    /// A number from a finite double, written as its shortest round-trip form.
    ///
    /// - Precondition: `value.isFinite` (JSON has no NaN or infinity).
    public static func double(_ value: Double) -> JSONValue {
        precondition(value.isFinite, "JSON cannot represent \(value)")
        // Swift prints the shortest text that reads back to the same double ("0.7", "1.0", "1e-06"),
        // which is always a valid JSON number for finite values.
        return .number("\(value)")
    }

    /// The string, or nil when this is not a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The bool, or nil when this is not a bool.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The object, or nil when this is not an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The elements, or nil when this is not an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The number as an exact `Int64`, or nil when it is not a number written as a plain integer
    /// literal (no fraction, no exponent) that fits.
    public var int64Value: Int64? {
        guard case .number(let literal) = self else { return nil }
        guard !literal.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) else { return nil }
        return Int64(literal)
    }

    /// The number as an exact `Int`, under the same rules as ``int64Value``.
    public var intValue: Int? { int64Value.flatMap { Int(exactly: $0) } }

    /// The number as a `Double` (nearest value), or nil when this is not a number or it overflows.
    public var doubleValue: Double? {
        guard case .number(let literal) = self, let d = Double(literal), d.isFinite else { return nil }
        return d
    }

    /// Member lookup for objects; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByArrayLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
}
