/// Why a registry operation failed: a kind the CLI maps to an exit code, and one line naming the culprit.
///
/// A struct with static constructors rather than a closed enum, so new failures can be added without
/// breaking callers' switches over ``kind`` (style.md rule 5).
public struct RegistryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The broad class of a failure.
    public enum Kind: String, Sendable, Equatable {
        /// A name, key, digest or path that does not exist.
        case notFound = "not found"
        /// Malformed or refused input: bad names, bad files, unmergeable adapters.
        case invalid = "invalid input"
        /// The request contradicts the store's state: a name taken by another kind, a base still in use.
        case conflict
        /// The file system or the catalog failed.
        case io = "I/O error"
        /// The process was asked to stop (SIGINT, SIGTERM) and gave up: what it had begun was removed.
        case interrupted
        /// A broken invariant inside loom (a bug).
        case `internal` = "internal error"
    }

    public let kind: Kind
    /// One line: control characters of the message given to ``init(_:_:)`` are escaped.
    public let message: String

    /// An error of `kind`. Control characters in `message` (from a hostile file name, key or config
    /// value that was interpolated unescaped) are replaced by `\u{…}`, so the message stays one line.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = Self.oneLine(message)
    }

    /// `text` with every control character (U+0000–U+001F, U+007F) written as `\u{…}`.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    public var description: String { message }

    static func notFound(_ message: String) -> RegistryError { RegistryError(.notFound, message) }
    static func invalid(_ message: String) -> RegistryError { RegistryError(.invalid, message) }
    static func conflict(_ message: String) -> RegistryError { RegistryError(.conflict, message) }
    static func io(_ message: String) -> RegistryError { RegistryError(.io, message) }
    static func interrupted(_ message: String) -> RegistryError { RegistryError(.interrupted, message) }
    static func `internal`(_ message: String) -> RegistryError {
        assertionFailure(message)
        return RegistryError(.internal, message)
    }
}
