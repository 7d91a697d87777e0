public import LoomCore

/// The result of rehashing one blob (``BlobManager/verify(_:size:)``).
public enum VerifyOutcome: Hashable, Sendable {
    /// The file exists and hashes to its name (and has the expected size, when one was given).
    case ok
    /// No file under the blob's name.
    case missing
    /// The file's bytes hash to `actual`, not to the blob's name.
    case corrupt(actual: Digest)
    /// The file has `actual` bytes, not the expected size (checked before hashing).
    case wrongSize(expected: Int64, actual: Int64)

    /// One line naming `digest` and what is wrong with it, or nil for ``ok``.
    public func finding(for digest: Digest) -> String? {
        switch self {
        case .ok: nil
        case .missing: "blob \(digest): missing"
        case .corrupt(let actual): "blob \(digest): corrupt, content hashes to \(actual)"
        case .wrongSize(let expected, let actual): "blob \(digest): wrong size, \(actual) bytes instead of \(expected)"
        }
    }
}
