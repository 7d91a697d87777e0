import LoomCore
package import LoomJSON
package import Registry

/// `loom backup DIR --json`: `{path, catalog_bytes, blobs, bytes, linked, copied, catalog_only}`.
package enum BackupDocument {
    package static func report(_ report: BackupReport) -> JSONValue {
        .object([
            "path": .string(report.path), "catalog_bytes": .int(report.catalogBytes), "blobs": .int(Int64(report.blobs)),
            "bytes": .int(report.bytes), "linked": .int(Int64(report.linked)), "copied": .int(Int64(report.copied)),
            "catalog_only": .bool(report.catalogOnly),
        ])
    }
}
