internal import LoomCore

/// Checks on what callers hand the catalog, made before a write takes the lock, so that a refusal
/// names the culprit instead of surfacing as a bare SQLite constraint failure.
enum Validation {
    /// `sha256:` followed by 64 lowercase hex digits.
    static func isDigest(_ text: String) -> Bool { Digest(parsing: text) != nil }

    static func digest(_ text: String, _ what: @autoclosure () -> String) throws {
        guard isDigest(text) else {
            throw CatalogError.invalid("\(what()) \"\(text)\" is not a digest (sha256: and 64 lowercase hex digits)")
        }
    }

    /// 1 to 128 characters, no `@` (it separates the version), no control characters.
    static func name(_ name: String) throws {
        // Unicode scalars, because that is what the schema's CHECK on length(name) counts.
        guard (1...128).contains(name.unicodeScalars.count) else {
            throw CatalogError.invalid("name \"\(name)\" must be 1 to 128 characters long")
        }
        guard !name.contains("@"), !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw CatalogError.invalid("name \"\(name)\" must not contain \"@\" or control characters")
        }
    }

    static func size(_ size: Int64, _ what: @autoclosure () -> String) throws {
        guard size >= 0 else { throw CatalogError.invalid("\(what()) has negative size \(size)") }
    }

    /// Unique, non-empty paths with valid digests and sizes.
    static func files(_ files: [FileEntry], of owner: String) throws {
        var seen = Set<String>()
        for file in files {
            guard !file.path.isEmpty else { throw CatalogError.invalid("\(owner) has a file with an empty path") }
            guard seen.insert(file.path).inserted else {
                throw CatalogError.invalid("\(owner) lists file \"\(file.path)\" twice")
            }
            try digest(file.digest, "file \"\(file.path)\" of \(owner) has digest")
            try size(file.size, "file \"\(file.path)\" of \(owner)")
        }
    }
}
