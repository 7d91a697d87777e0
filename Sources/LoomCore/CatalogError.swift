/// An error from a catalog backend (SQLite today, PostgreSQL next): a kind the CLI can map to an exit code, and one line naming the culprit.
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

    /// An error of `kind` with `message` (one line naming the culprit).
    package init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The message.
    package var description: String { message }

    package static func notFound(_ message: String) -> CatalogError { .init(.notFound, message) }
    package static func conflict(_ message: String) -> CatalogError { .init(.conflict, message) }
    package static func invalid(_ message: String) -> CatalogError { .init(.invalid, message) }
    package static func corrupt(_ message: String) -> CatalogError { .init(.corrupt, message) }
    package static func io(_ message: String) -> CatalogError { .init(.io, message) }

    package static func schemaTooNew(path: String, migration: String) -> CatalogError {
        .init(
            .schemaTooNew,
            "catalog \(path) has schema migration \(migration) that this loom does not know; it was written by a newer loom"
        )
    }
}
