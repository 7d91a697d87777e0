internal import GRDB
internal import LoomCore

extension CatalogError {
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
