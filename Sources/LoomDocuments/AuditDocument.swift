package import LoomCore
package import LoomJSON
package import Registry

/// `loom audit TARGET --json` (and the JSON of `GET /v1/artifacts/{key}`'s provenance view): the artifact with
/// its files and provenance (`kind: artifact`), or a file with every record that holds it (`kind: file`).
/// The in-toto statement of `--in-toto` is Registry's ``Attestation``, not built here.
package enum AuditDocument {
    /// `path` gives an artifact's materialized directory (or nil); it is asked for each artifact holding a file.
    package static func report(_ report: AuditReport, path: (ArtifactRecord) -> String?) -> JSONValue {
        switch report {
        case .artifact(let artifact, let directory):
            var o = artifactObject(artifact, directory: directory)
            o["kind"] = .string("artifact")
            return .object(o)
        case .file(let file):
            var o = JSONObject()
            o["kind"] = .string("file")
            o["path"] = .string(file.path)
            o["digest"] = .string(file.digest)
            o["size"] = .int(file.size)
            o["holders"] = .array(file.holders.map { holder in
                switch holder {
                case .artifact(let a, let inside):
                    return .object(["kind": "artifact", "path": .string(inside), "artifact": .object(artifactObject(a, directory: path(a)))])
                case .base(let b, let inside):
                    return .object(["kind": "base", "path": .string(inside), "base": .object(RecordDocument.base(b))])
                case .adapter(let a, let inside):
                    return .object(["kind": "adapter", "path": .string(inside), "adapter": .object(RecordDocument.adapter(a))])
                }
            })
            o["notes"] = .array(file.notes.map { .string($0) })
            return .object(o)
        }
    }

    private static func artifactObject(_ artifact: ArtifactRecord, directory: String?) -> JSONObject {
        var o = RecordDocument.artifact(artifact, path: directory)
        o["files"] = RecordDocument.files(artifact.files ?? [])
        o["provenance"] = artifact.provenance
        return o
    }
}
