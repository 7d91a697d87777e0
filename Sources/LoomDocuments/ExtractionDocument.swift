package import LoomCore
package import LoomJSON

/// The `extracted_from` member of an extracted adapter's documents (`adapter extract`, `show`).
package enum ExtractionDocument {
    package static func object(_ e: ExtractionRecord) -> JSONValue {
        .object([
            "base_digest": .string(e.baseManifestDigest), "tuned_digest": .string(e.tunedManifestDigest),
            "tuned_source": e.tunedSource.map { .string($0) } ?? .null, "rank": .int(e.rank), "method": .string(e.method),
            "seed": e.seed.map { .int(UInt64(bitPattern: $0)) } ?? .null,
        ])
    }
}
