internal import GRDB
internal import LoomCore
internal import LoomJSON
internal import Foundation

/// Decoding a `RecipeRecord` from its SQLite row.
extension RecipeRecord {
    init(row: Row, adapters: [RecipeInput]) throws {
        let id: Int64 = try row.decode(forColumn: "id")
        let name: String = try row.decode(forColumn: "name")
        let baseName: String = try row.decode(forColumn: "base_name")
        let baseVersion: Int? = try row.decode(forColumn: "base_version")
        let dtype: String? = try row.decode(forColumn: "dtype")
        let combine: RecipeCombine = RecipeCombine(
            method: try row.decode(forColumn: "combine"), density: try row.decode(forColumn: "density"),
            majoritySign: try row.decode(forColumn: "majority_sign"), seed: try row.decode(forColumn: "seed"))
        let quantType: String? = try row.decode(forColumn: "qlora")
        let doubleQuant: Bool? = try row.decode(forColumn: "qlora_double_quant")
        let qlora = quantType.map { RecipeQLoRA(quantType: $0, doubleQuant: doubleQuant ?? true) }
        let createdAt: Date = try row.time("created_at")
        let updatedAt: Date = try row.time("updated_at")
        self.init(id: id, name: name, baseName: baseName, baseVersion: baseVersion, dtype: dtype, adapters: adapters, combine: combine, qlora: qlora, createdAt: createdAt, updatedAt: updatedAt)
    }
}
