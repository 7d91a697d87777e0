internal import GRDB
internal import LoomCore
internal import Foundation

/// Decoding an `ExtractionRecord` from its `adapter_extraction` row.
extension ExtractionRecord {
    init(row: Row) throws {
        self.init(
            baseManifestDigest: try row.decode(forColumn: "base_manifest_digest"),
            tunedManifestDigest: try row.decode(forColumn: "tuned_manifest_digest"),
            tunedSource: try row.decode(forColumn: "tuned_source"),
            rank: try row.decode(forColumn: "rank"),
            method: try row.decode(forColumn: "method"),
            seed: try row.decode(forColumn: "seed"),
            createdAt: try row.time("created_at"))
    }
}
