internal import GRDB

/// A catalog row that references a blob: which base, adapter or artifact, and under which path.
package struct BlobHolder: Sendable, Equatable, Hashable {
    /// What kind of row holds the blob.
    package enum Kind: String, Sendable, Hashable {
        case base, adapter, artifact
    }

    /// Base, adapter or artifact.
    package let kind: Kind
    /// The row id in its table.
    package let id: Int64
    /// The base or adapter name, or the artifact key.
    package let name: String
    /// The base or adapter version; nil for artifacts.
    package let version: Int?
    /// The file's path within the holder's manifest.
    package let path: String

    init(row: Row) throws {
        let kindText: String = try row.decode(forColumn: "kind")
        guard let kind = Kind(rawValue: kindText) else { throw CatalogError.corrupt("unknown holder kind \(kindText)") }
        self.kind = kind
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        version = try row.decode(forColumn: "version")
        path = try row.decode(forColumn: "path")
    }
}
