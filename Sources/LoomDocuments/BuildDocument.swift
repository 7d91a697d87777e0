import LoomCore
package import LoomJSON
package import Registry

/// `loom build --json` (and `POST /v1/builds` when the artifact is ready): at least `path`, `key` and
/// `cached` (docs/architecture.md "JSON"), then what was built: `waited` (another process built it), dtype, size,
/// base and adapter digests, the combination and the build's notes.
package enum BuildDocument {
    /// `path` is the materialized directory (absolute, named after the key's hex digits).
    package static func result(_ result: BuildResult) -> JSONValue {
        var o = JSONObject()
        o["path"] = .string(result.path)
        o["key"] = .string(result.artifact.key)
        o["cached"] = .bool(result.cached)
        o["waited"] = .bool(result.waited)
        o["dtype"] = .string(result.artifact.dtype)
        o["size"] = .int(result.artifact.totalSize)
        o["base"] = .string(result.artifact.baseDigest)
        o["adapters"] = RecordDocument.inputs(result.artifact)
        o["combine"] = result.artifact.recipe["combine"] ?? .object(["method": .string("linear")])
        if let qlora = result.artifact.recipe["qlora"] { o["qlora"] = qlora }
        o["notes"] = .array(result.notes.map { .string($0) })
        return .object(o)
    }
}
