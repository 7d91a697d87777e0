package import LoomJSON
package import LoomCore

/// `loom rm base|adapter --json`: `{bases, adapters}`, the records removed (their blobs stay until gc).
package enum RemovalDocument {
    package static func removal(_ removal: Removal) -> JSONValue {
        .object([
            "bases": .array(removal.bases.map { .object(RecordDocument.base($0)) }),
            "adapters": .array(removal.adapters.map { .object(RecordDocument.adapter($0)) }),
        ])
    }
}
