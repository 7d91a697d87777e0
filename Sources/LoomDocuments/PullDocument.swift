import LoomCore
package import LoomJSON
package import Registry

/// `loom pull NAME|KEY DIR --json`: `{path, key, files, bytes, skipped}` (bytes written; files already right skipped).
package enum PullDocument {
    package static func report(_ report: PullReport) -> JSONValue {
        .object([
            "path": .string(report.path), "key": .string(report.key), "files": .int(report.files),
            "bytes": .int(report.bytes), "skipped": .int(report.skipped),
        ])
    }
}
