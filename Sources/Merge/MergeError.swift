/// Why an adapter or a build was refused by the merge engine.
///
/// Every message is one line naming the culprit (a config field, a tensor key, a module), so the CLI
/// can print it as is. ``kind`` lets callers map errors to exit codes; new messages can be added
/// without breaking a `switch` over kinds.
public struct MergeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broad class of a refusal.
    public enum Kind: Sendable, Equatable {
        /// The input is malformed or inconsistent (bad JSON, shapes that disagree, NaN weights).
        case invalid
        /// The input is well-formed but asks for something loom does not merge faithfully.
        case unsupported
        /// A result is not finite (NaN or Inf, f16 overflow included).
        case nonFinite
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func invalid(_ message: String) -> MergeError { MergeError(.invalid, message) }
    static func unsupported(_ message: String) -> MergeError { MergeError(.unsupported, message) }
}
