internal import GRDB
internal import LoomJSON

/// One file of a manifest (base, adapter or artifact): a relative path and the blob holding its bytes.
package struct FileEntry: Sendable, Equatable, Hashable {
    /// Relative to the model (or adapter, or artifact) directory.
    package var path: String
    /// `sha256:<64 hex>` of the bytes.
    package var digest: String
    /// Bytes; not negative.
    package var size: Int64

    /// An entry; see each property.
    package init(path: String, digest: String, size: Int64) {
        self.path = path
        self.digest = digest
        self.size = size
    }

    init(row: Row) throws {
        path = try row.decode(forColumn: "path")
        digest = try row.decode(forColumn: "digest")
        size = try row.decode(forColumn: "size")
    }
}

/// One tensor of a base's index: where it lives and what it looks like.
package struct TensorEntry: Sendable, Equatable {
    /// The tensor name in the checkpoint; unique within a base.
    package var name: String
    /// The safetensors dtype name (`BF16`, `F32`, ...).
    package var dtype: String
    /// Dimensions, outermost first; `[]` for a scalar.
    package var shape: [Int]
    /// The `.safetensors` file holding it; must be one of the base's files.
    package var path: String
    /// Order within that file (data-offset order).
    package var position: Int

    /// An entry; see each property.
    package init(name: String, dtype: String, shape: [Int], path: String, position: Int) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.path = path
        self.position = position
    }

    init(row: Row) throws {
        name = try row.decode(forColumn: "name")
        dtype = try row.decode(forColumn: "dtype")
        path = try row.decode(forColumn: "path")
        position = try row.decode(forColumn: "position")
        let shapeText: String = try row.decode(forColumn: "shape")
        guard let shape = Self.parseShape(shapeText) else {
            throw CatalogError.corrupt("tensor \"\(name)\" has shape \(shapeText), not a JSON array of dimensions")
        }
        self.shape = shape
    }

    /// The stored form: a compact JSON array of integers.
    var shapeText: String { "[" + shape.map(String.init).joined(separator: ",") + "]" }

    private static func parseShape(_ text: String) -> [Int]? {
        guard text.hasPrefix("["), text.hasSuffix("]") else { return nil }
        let inner = text.dropFirst().dropLast()
        if inner.isEmpty { return [] }
        var dims: [Int] = []
        for part in inner.split(separator: ",", omittingEmptySubsequences: false) {
            guard let dim = Int(part), dim >= 0 else { return nil }
            dims.append(dim)
        }
        return dims
    }
}

extension [FileEntry] {
    /// `[{"path", "digest", "size"}, ...]` for event details.
    var eventDetail: JSONValue {
        .array(map { .object(["path": .string($0.path), "digest": .string($0.digest), "size": .int($0.size)]) })
    }
}
