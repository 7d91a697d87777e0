internal import GRDB
internal import LoomCore
internal import LoomJSON
internal import Foundation

/// Decoding a `ArtifactInput` from its SQLite row.
extension ArtifactInput {
    init(row: Row) throws {
        let position: Int = try row.decode(forColumn: "position")
        let adapterDigest: String = try row.decode(forColumn: "adapter_digest")
        let weight: Double = try row.decode(forColumn: "weight")
        self.init(position: position, adapterDigest: adapterDigest, weight: weight)
    }
}
