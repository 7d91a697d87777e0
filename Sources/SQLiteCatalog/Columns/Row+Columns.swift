internal import Foundation
internal import GRDB
internal import LoomJSON
internal import LoomCore

/// Reading the catalog's text-encoded columns (times, canonical JSON), failing with
/// ``CatalogError/Kind/corrupt`` rather than trapping when a row breaks the format.
extension Row {
    /// A time column written by ``Timestamp``.
    func time(_ column: String) throws -> Date {
        let text: String = try decode(forColumn: column)
        guard let date = Timestamp.date(text) else {
            throw CatalogError.corrupt("catalog column \(column) holds \"\(text)\", not a time")
        }
        return date
    }

    /// A JSON column.
    func json(_ column: String) throws -> JSONValue {
        let text: String = try decode(forColumn: column)
        do {
            return try JSONParser().parse(text)
        } catch {
            throw CatalogError.corrupt("catalog column \(column) holds invalid JSON: \(error)")
        }
    }

    /// A 0/1 column.
    func flag(_ column: String) throws -> Bool {
        let value: Int64 = try decode(forColumn: column)
        return value != 0
    }
}

extension JSONValue {
    /// The canonical compact text the catalog stores.
    var canonicalText: String { JSONWriter.canonical.string(self) }
}
