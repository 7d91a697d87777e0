import LoomCore
package import LoomJSON
package import Registry

/// `loom verify --json` and `loom verify --rebuild KEY --json` (and the admin `verify` endpoint).
package enum VerifyDocument {
    /// `verify` exits with this plus a bit per kind of finding (1 blob, 2 reference, 4 catalog integrity,
    /// 8 event chain); `--rebuild` exits with it when the rebuild differs. The document carries the code
    /// (`exit_code`), so the CLI and a server report the same number.
    package static let exitCodeBase: Int32 = 16

    /// 0 when clean, else ``exitCodeBase`` plus the report's finding bits.
    package static func exitCode(_ report: VerifyReport) -> Int32 {
        report.isClean ? 0 : exitCodeBase + report.findingBits
    }

    /// `{clean, exit_code, findings, checked, collectable, live_leases, foreign_ingest_files}`; a finding
    /// has only the fields it knows (`digest`, `owner`, `path`, `seq`).
    package static func report(_ report: VerifyReport) -> JSONValue {
        var o = JSONObject()
        o["clean"] = .bool(report.isClean)
        o["exit_code"] = .int(exitCode(report))
        o["findings"] = .array(report.findings.map { f in
            var item: JSONObject = ["kind": .string(f.kind.name), "message": .string(f.message)]
            if let digest = f.digest { item["digest"] = .string(digest) }
            if let owner = f.owner { item["owner"] = .string(owner) }
            if let path = f.path { item["path"] = .string(path) }
            if let seq = f.seq { item["seq"] = .int(seq) }
            return .object(item)
        })
        o["checked"] = .object([
            "blobs": .int(report.blobsChecked), "bytes": .int(report.bytesChecked), "references": .int(report.referencesChecked),
        ])
        let garbage = report.garbage
        o["collectable"] = .object([
            "bytes": .int(garbage.bytes),
            "unreferenced_blobs": .array(garbage.unreferencedBlobs.map { .object(["digest": .string($0.digest), "size": .int($0.size)]) }),
            "stale_ingest_files": .array(garbage.staleIngestFiles.map {
                .object(["path": .string($0.path), "size": .int($0.size), "modified": RecordDocument.time($0.modified)])
            }),
            "dead_leases": .array(garbage.deadLeases.map(RecordDocument.lease)),
        ])
        o["live_leases"] = .array(report.liveLeases.map(RecordDocument.lease))
        o["foreign_ingest_files"] = .array(report.foreignIngestFiles.map { .string($0) })
        return .object(o)
    }

    /// `--rebuild`: `{key, identical, recorded_engine, current_engine, max_ulps, files, notes}`, each file
    /// with its three digests (null when absent) and the tensors that differ.
    package static func rebuild(_ report: RebuildReport) -> JSONValue {
        var o = JSONObject()
        o["key"] = .string(report.key)
        o["identical"] = .bool(report.isIdentical)
        o["recorded_engine"] = .string(report.recordedEngine)
        o["current_engine"] = .string(report.currentEngine)
        o["max_ulps"] = report.maxUlps.map { .int($0) } ?? .null
        o["files"] = .array(report.files.map(file))
        o["notes"] = .array(report.notes.map { .string($0) })
        return .object(o)
    }

    private static func text(_ value: String?) -> JSONValue {
        value.map { .string($0) } ?? .null
    }

    private static func file(_ f: RebuildReport.File) -> JSONValue {
        var o = JSONObject()
        o["path"] = .string(f.path)
        o["recorded"] = text(f.recorded)
        o["rebuilt"] = text(f.rebuilt)
        o["on_disk"] = text(f.onDisk)
        o["identical"] = .bool(f.isIdentical)
        o["discrepancy"] = text(f.discrepancy)
        o["tensors"] = .array(f.tensors.map { t in
            .object([
                "name": .string(t.name), "dtype": .string(t.dtype), "differing_elements": .int(t.differingElements),
                "max_ulps": t.maxUlps.map { .int($0) } ?? .null, "note": t.note.map { .string($0) } ?? .null,
            ])
        })
        o["note"] = text(f.note)
        return .object(o)
    }
}
