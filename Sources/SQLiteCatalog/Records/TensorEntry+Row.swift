internal import GRDB
internal import LoomCore
internal import LoomJSON
internal import Foundation

/// Decoding a `TensorEntry` from its SQLite row.
extension TensorEntry {
    init(row: Row) throws {
        let name: String = try row.decode(forColumn: "name")
        let dtype: String = try row.decode(forColumn: "dtype")
        let path: String = try row.decode(forColumn: "path")
        let position: Int = try row.decode(forColumn: "position")
        let shapeText: String = try row.decode(forColumn: "shape")
        guard let shape = Self.parseShape(shapeText) else {
            throw CatalogError.corrupt("tensor \"\(name)\" has shape \(shapeText), not a JSON array of dimensions")
        }
        self.init(name: name, dtype: dtype, shape: shape, path: path, position: position)
    }
}
