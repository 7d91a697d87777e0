internal import GRDB
internal import LoomCore
internal import LoomJSON
internal import Foundation

/// Decoding a `BlobHolder` from its SQLite row.
extension BlobHolder {
    init(row: Row) throws {
        let kindText: String = try row.decode(forColumn: "kind")
        guard let kind = Kind(rawValue: kindText) else { throw CatalogError.corrupt("unknown holder kind \(kindText)") }
        let id: Int64 = try row.decode(forColumn: "id")
        let name: String = try row.decode(forColumn: "name")
        let version: Int? = try row.decode(forColumn: "version")
        let path: String = try row.decode(forColumn: "path")
        self.init(kind: kind, id: id, name: name, version: version, path: path)
    }
}
