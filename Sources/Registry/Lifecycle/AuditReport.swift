package import LoomCore

/// What ``Registry/audit(_:progress:)`` found: one artifact's provenance, or every holder of a file.
///
/// A value snapshot; it does not change when the catalog does.
package enum AuditReport: Sendable, Equatable {
    /// An artifact (asked for by key, key prefix or build target name), with its files and provenance,
    /// and its materialized directory when that exists.
    case artifact(ArtifactRecord, directory: String?)
    /// A file on disk, hashed, with every catalog row that holds exactly those bytes.
    case file(File)

    /// A hashed file and its holders.
    package struct File: Sendable, Equatable {
        /// The path as given, made absolute.
        package var path: String
        /// `sha256:` of the file's bytes (symlinks followed).
        package var digest: String
        /// Bytes hashed.
        package var size: Int64
        /// Every artifact, base and adapter whose manifest names ``digest``; never empty.
        package var holders: [Holder]
        /// Things worth knowing, such as a store blob file whose bytes no longer match its name.
        package var notes: [String]

        /// A file audit; see each property.
        package init(path: String, digest: String, size: Int64, holders: [Holder], notes: [String]) {
            self.path = path
            self.digest = digest
            self.size = size
            self.holders = holders
            self.notes = notes
        }
    }

    /// A catalog row holding a file's bytes, and the path of the file inside it.
    package enum Holder: Sendable, Equatable {
        /// An artifact (with its files and provenance) and the output file's path.
        case artifact(ArtifactRecord, path: String)
        /// A base version and the model file's path.
        case base(BaseRecord, path: String)
        /// An adapter version and the adapter file's path.
        case adapter(AdapterRecord, path: String)

        /// The path of the file inside its holder.
        package var path: String {
            switch self {
            case .artifact(_, let path), .base(_, let path), .adapter(_, let path): path
            }
        }
    }
}
