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
        /// A broken invariant inside loom (a bug).
        case `internal` = "internal error"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func notFound(_ message: String) -> RegistryError { RegistryError(.notFound, message) }
    static func invalid(_ message: String) -> RegistryError { RegistryError(.invalid, message) }
    static func conflict(_ message: String) -> RegistryError { RegistryError(.conflict, message) }
    static func io(_ message: String) -> RegistryError { RegistryError(.io, message) }
    static func `internal`(_ message: String) -> RegistryError {
        assertionFailure(message)
        return RegistryError(.internal, message)
    }
}
