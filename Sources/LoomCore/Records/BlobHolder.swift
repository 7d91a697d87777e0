
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

    /// A record with the given fields (backends decode rows into it; tests build it directly).
    package init(kind: Kind, id: Int64, name: String, version: Int?, path: String) {
        self.kind = kind
        self.id = id
        self.name = name
        self.version = version
        self.path = path
    }
}
