package import LoomJSON

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

    /// The stored form: a compact JSON array of integers.
    package var shapeText: String { "[" + shape.map(String.init).joined(separator: ",") + "]" }

    package static func parseShape(_ text: String) -> [Int]? {
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
    package var eventDetail: JSONValue {
        .array(map { .object(["path": .string($0.path), "digest": .string($0.digest), "size": .int($0.size)]) })
    }
}
