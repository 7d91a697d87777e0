package import LoomCore
package import LoomJSON
import Registry

/// `loom show NAME --json` (and `GET /v1/{bases,adapters,recipes,artifacts}/{name-or-key}`): one record with
/// `kind` and what `show` adds to it. One function per case of ``Shown``.
package enum ShowDocument {
    /// A base: its record, `kind`, the tensor count, its files and the adapters registered on it (`NAME@V`).
    package static func base(
        _ b: BaseRecord, files: [FileEntry], tensorCount: Int, adapters: [AdapterRecord], aliases: [String]
    ) -> JSONObject {
        var o = RecordDocument.base(b, aliases: aliases)
        o["kind"] = .string("base")
        o["tensors"] = .int(tensorCount)
        o["files"] = RecordDocument.files(files)
        o["adapters"] = .array(adapters.map { .string($0.reference) })
        return o
    }

    /// An adapter: its record, `kind`, files, `ships` (the files beside the PEFT pair that builds use
    /// instead of the base's), the full module `summary` and the parsed `config`.
    /// `extractedFrom`: where `loom adapter extract` took it from (`extracted_from`), for extracted adapters.
    package static func adapter(_ a: AdapterRecord, files: [FileEntry], extractedFrom: JSONValue? = nil) -> JSONObject {
        var o = RecordDocument.adapter(a)
        o["kind"] = .string("adapter")
        o["files"] = RecordDocument.files(files)
        o["ships"] = .array(shippedFiles(files).map { .string($0) })
        if let extractedFrom { o["extracted_from"] = extractedFrom }
        o["summary"] = a.summary
        o["config"] = a.config
        return o
    }

    /// The paths of `files` that are not the adapter's own PEFT files, in manifest order.
    package static func shippedFiles(_ files: [FileEntry]) -> [String] {
        files.map(\.path).filter { !AdapterFiles.own.contains($0) }
    }

    /// A recipe: its record, `kind`, the `key` it builds now (null when its inputs no longer resolve and
    /// nothing was built as it) and whether that is `built`.
    package static func recipe(_ r: RecipeRecord, key: String?, built: Bool) -> JSONObject {
        var o = RecordDocument.recipe(r)
        o["kind"] = .string("recipe")
        o["key"] = key.map { .string($0) } ?? .null
        o["built"] = .bool(built)
        return o
    }

    /// An artifact: its record (with `path` and its live `hold`), `kind`, files and provenance.
    package static func artifact(_ a: ArtifactRecord, path: String?, hold: HoldRecord?) -> JSONObject {
        var o = RecordDocument.artifact(a, path: path, hold: hold)
        o["kind"] = .string("artifact")
        o["files"] = RecordDocument.files(a.files ?? [])
        o["provenance"] = a.provenance
        return o
    }
}
