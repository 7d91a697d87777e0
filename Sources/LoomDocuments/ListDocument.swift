package import LoomCore
package import LoomJSON
package import Registry

/// `loom ls [KIND] --json` (and `GET /v1/{bases,adapters,artifacts,recipes}`): an array of records for one
/// kind, an object `{bases, adapters, artifacts, recipes}` for all.
package enum ListDocument {
    /// The bases, each with the aliases of its name.
    package static func bases(_ listing: Listing) -> JSONValue {
        .array(listing.bases.map { .object(RecordDocument.base($0, aliases: listing.baseAliases[$0.name] ?? [])) })
    }

    package static func adapters(_ listing: Listing) -> JSONValue {
        .array(listing.adapters.map { .object(RecordDocument.adapter($0)) })
    }

    /// The artifacts, each with its live hold; `path` gives an artifact's materialized directory (or nil).
    package static func artifacts(_ listing: Listing, path: (ArtifactRecord) -> String?) -> JSONValue {
        .array(listing.artifacts.map { .object(RecordDocument.artifact($0, path: path($0), hold: listing.holds[$0.key])) })
    }

    package static func recipes(_ listing: Listing) -> JSONValue {
        RecipeDocument.list(listing.recipes)
    }

    /// `ls --json`: every kind, in the order bases, adapters, artifacts, recipes.
    package static func all(_ listing: Listing, path: (ArtifactRecord) -> String?) -> JSONValue {
        .object([
            "bases": bases(listing), "adapters": adapters(listing), "artifacts": artifacts(listing, path: path),
            "recipes": recipes(listing),
        ])
    }
}
