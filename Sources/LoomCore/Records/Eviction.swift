package import Foundation

/// One artifact gc means to evict, as its plan saw it: ``CatalogStore/evictArtifacts(_:)`` deletes
/// it only if it is still that way under the write lock.
package struct Eviction: Sendable, Equatable {
    /// The artifact's key, `sha256:…`.
    package var key: String
    /// `last_used_at` in the plan's snapshot: a later use (a cache hit since) keeps the artifact.
    package var notUsedSince: Date
    /// Why it goes, for the `artifact.evict` event (for example "least recently used, over the size budget").
    package var reason: String

    /// A request; see each property.
    package init(key: String, notUsedSince: Date, reason: String) {
        self.key = key
        self.notUsedSince = notUsedSince
        self.reason = reason
    }
}

/// What ``CatalogStore/evictArtifacts(_:)`` did with one ``Eviction``.
package enum EvictionOutcome: Sendable, Equatable {
    /// The row (with its inputs and files) is gone; the record is as it was, files included.
    case evicted(ArtifactRecord)
    /// Nothing was deleted: the artifact is gone already, was pinned, is under a live
    /// `build:<key>` lease, or was used after the plan. `reason` says which, in words.
    case kept(key: String, reason: String)
}
