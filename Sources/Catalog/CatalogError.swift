internal import GRDB

/// An error from the catalog: a kind the CLI can map to an exit code, and one line naming the culprit.
///
/// Messages read as a sentence fragment a user can act on (`adapter "sql@3" not found`,
/// `name "llama" is already a base`). Kinds may grow; match on ``kind`` with a `default` when an
/// exhaustive switch would be a burden.
package struct CatalogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, coarsely.
    package enum Kind: String, Sendable {
        /// A name, version, id or key that is not in the catalog.
        case notFound
        /// The request contradicts what is stored (name taken by another kind, version still in use, lease held by someone else).
        case conflict
        /// The request itself is malformed (bad digest, empty name, duplicate path).
        case invalid
        /// The database was written by a newer loom (it holds migrations this binary does not know).
        case schemaTooNew
        /// Another process held the write lock for longer than the busy timeout.
        case busy
        /// The stored data breaks the catalog's own rules (unreadable JSON or time column, not a database).
        case corrupt
        /// Any other failure of SQLite or the file system.
        case io
    }

    /// The kind, for exit codes and retries.
    package let kind: Kind
    /// One line, naming the culprit.
    package let message: String

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    package var description: String { message }

    static func notFound(_ message: String) -> CatalogError { .init(.notFound, message) }
    static func conflict(_ message: String) -> CatalogError { .init(.conflict, message) }
    static func invalid(_ message: String) -> CatalogError { .init(.invalid, message) }
    static func corrupt(_ message: String) -> CatalogError { .init(.corrupt, message) }
    static func io(_ message: String) -> CatalogError { .init(.io, message) }

    static func schemaTooNew(path: String, migration: String) -> CatalogError {
        .init(
            .schemaTooNew,
            "catalog \(path) has schema migration \(migration) that this loom does not know; it was written by a newer loom"
        )
    }

    /// Translates any error thrown while working on the catalog at `path`; catalog errors pass through.
    static func translating(_ error: any Error, path: String) -> CatalogError {
        if let error = error as? CatalogError { return error }
        if error is RowDecodingError { return .corrupt("catalog \(path): \(error)") }
        guard let error = error as? DatabaseError else {
            return .io("catalog \(path): \(error)")
        }
        let detail = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .init(.busy, "catalog \(path) is busy (another loom process holds the write lock)")
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return .corrupt("catalog \(path) is not a valid SQLite database: \(detail)")
        case .SQLITE_CONSTRAINT:
            switch error.extendedResultCode {
            case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY, .SQLITE_CONSTRAINT_FOREIGNKEY,
                .SQLITE_CONSTRAINT_TRIGGER:
                return .conflict("catalog \(path): \(detail)")
            default:
                return .invalid("catalog \(path): \(detail)")
            }
        case .SQLITE_CANTOPEN:
            return .io("cannot open catalog \(path): \(detail)")
        case .SQLITE_READONLY:
            return .io("catalog \(path) is read-only: \(detail)")
        case .SQLITE_FULL:
            return .io("catalog \(path): disk full")
        default:
            return .io("catalog \(path): \(detail)")
        }
    }
}
