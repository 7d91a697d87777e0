import Foundation

/// A Hugging Face Hub model id: `org/name` (or a bare `name`, as for `gpt2`) and an optional revision.
///
/// Read from `--hf-id ORG/NAME[@REV]`, or from a cache snapshot path
/// (`…/models--ORG--NAME/snapshots/REV/`, the layout `huggingface_hub` writes: `/` in the repo id becomes
/// `--`). A value type.
package struct HubID: Sendable, Equatable, CustomStringConvertible {
    package var repo: String
    package var revision: String?

    package var description: String { revision.map { "\(repo)@\($0)" } ?? repo }

    /// Parses `ORG/NAME[@REV]`.
    ///
    /// - Throws: ``RegistryError`` `.invalid` naming `text` when it is not a Hub model id: each part of the
    ///   repo 1 to 96 of `A-Z a-z 0-9 . _ -`, at most one `/`; a revision 1 to 128 of those.
    package init(parsing text: String) throws(RegistryError) {
        guard let id = Self.parse(text) else {
            throw .invalid(
                "\(Names.quoted(text)) is not a Hugging Face model id: write ORG/NAME or ORG/NAME@REVISION (letters, digits, '.', '_', '-')")
        }
        self = id
    }

    init(repo: String, revision: String?) {
        self.repo = repo
        self.revision = revision
    }

    /// `text` as `ORG/NAME[@REV]`, or nil when it is not one.
    static func parse(_ text: String) -> HubID? {
        let halves = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let repo = halves[0]
        let parts = repo.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ isPart($0, limit: 96) }) else { return nil }
        if halves.count == 2 {
            guard isPart(Substring(halves[1]), limit: 128) else { return nil }
            return HubID(repo: repo, revision: halves[1])
        }
        return HubID(repo: repo, revision: nil)
    }

    /// The repo and revision of a cache snapshot path (`…/models--ORG--NAME/snapshots/REV[/…]`), or nil.
    static func fromSnapshotPath(_ path: String) -> HubID? {
        let components = path.split(separator: "/").map(String.init)
        guard let i = components.lastIndex(where: { $0.hasPrefix("models--") }), i + 2 < components.count,
            components[i + 1] == "snapshots"
        else { return nil }
        let encoded = components[i].dropFirst("models--".count)
        // huggingface_hub joins the parts with "--"; an org cannot contain "--", so the first one splits.
        let repo: String
        if let range = encoded.range(of: "--") {
            repo = encoded[..<range.lowerBound] + "/" + encoded[range.upperBound...]
        } else {
            repo = String(encoded)
        }
        return parse(repo + "@" + components[i + 2])
    }

    /// Whether a base recorded with `repo` and `revision` is this id: the same repo and, when this id
    /// names a revision, the same one (a prefix of at least 7 characters of either counts, as in git).
    func matches(repo otherRepo: String?, revision otherRevision: String?) -> Bool {
        guard let otherRepo, otherRepo.lowercased() == repo.lowercased() else { return false }
        guard let revision else { return true }
        guard let otherRevision else { return false }
        if revision == otherRevision { return true }
        let (short, long) = revision.count < otherRevision.count ? (revision, otherRevision) : (otherRevision, revision)
        return short.count >= 7 && long.hasPrefix(short)
    }

    private static func isPart(_ s: Substring, limit: Int) -> Bool {
        (1...limit).contains(s.count) && s != "." && s != ".."
            && s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0)) }
    }
}
