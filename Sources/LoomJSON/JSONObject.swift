/// A JSON object that keeps its members in insertion (file) order, with unique keys.
///
/// Lookup is O(1) through an index; order is the order of ``keys``. A value type, `Sendable`.
public struct JSONObject: Hashable, Sendable, ExpressibleByDictionaryLiteral {
    /// Member names, in order.
    public private(set) var keys: [String] = []
    /// Member values, parallel to ``keys``.
    public private(set) var values: [JSONValue] = []
    private var index: [String: Int] = [:]

    /// An empty object.
    public init() {}

    /// An object with these members, in this order. Later duplicates replace earlier values in place.
    public init(_ members: [(String, JSONValue)]) {
        for (k, v) in members { self[k] = v }
    }

    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// Number of members.
    public var count: Int { keys.count }

    /// Members in order.
    public var members: [(key: String, value: JSONValue)] {
        Array(zip(keys, values)).map { (key: $0.0, value: $0.1) }
    }

    /// True when `key` is a member.
    public func contains(_ key: String) -> Bool { index[key] != nil }

    /// Reads a member; setting replaces it in place or appends it; setting nil removes it.
    public subscript(key: String) -> JSONValue? {
        get { index[key].map { values[$0] } }
        set {
            if let i = index[key] {
                if let newValue {
                    values[i] = newValue
                } else {
                    keys.remove(at: i)
                    values.remove(at: i)
                    index = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) })
                }
            } else if let newValue {
                index[key] = keys.count
                keys.append(key)
                values.append(newValue)
            }
        }
    }

    /// Appends a member known to be new. Returns false (and changes nothing) when the key exists.
    @discardableResult
    public mutating func appendUnique(_ key: String, _ value: JSONValue) -> Bool {
        guard index[key] == nil else { return false }
        index[key] = keys.count
        keys.append(key)
        values.append(value)
        return true
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.keys == rhs.keys && lhs.values == rhs.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(keys)
        hasher.combine(values)
    }
}
