package import LoomCore
package import LoomJSON

/// `loom pin --json` and `loom unpin --json`: the artifact after the change (without its hold).
package enum PinDocument {
    package static func artifact(_ artifact: ArtifactRecord, path: String?) -> JSONValue {
        .object(RecordDocument.artifact(artifact, path: path))
    }
}
