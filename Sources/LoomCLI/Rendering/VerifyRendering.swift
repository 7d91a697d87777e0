import LoomCore
import Foundation
import LoomJSON
import Registry

/// Text and JSON for `loom verify` and `loom verify --rebuild`.
enum VerifyRendering {
    /// One line per finding, a summary line, then what gc could collect.
    static func text(_ report: VerifyReport) -> String {
        var lines = report.findings.map(\.message)
        let checked =
            "checked \(report.blobsChecked) blobs (\(Format.bytes(report.bytesChecked))), \(report.referencesChecked) references, "
            + "catalog integrity, event chain"
        if report.isClean {
            lines.append("\(checked): no findings")
        } else {
            let kinds = report.kinds.sorted().map(\.name).joined(separator: ", ")
            let count = report.findings.count
            lines.append("\(checked): \(count) finding\(count == 1 ? "" : "s") (\(kinds)); exit \(ExitCodes.verifyBase + report.findingBits)")
        }
        let garbage = report.garbage
        for file in garbage.staleIngestFiles {
            lines.append("collectable: stale ingest file \(file.path) (\(Format.bytes(file.size)))")
        }
        for lease in garbage.deadLeases {
            lines.append("collectable: dead lease \(lease.name) (pid \(lease.holderPID) on \(lease.holderHost), expires \(Timestamps.iso(lease.expiresAt)))")
        }
        if garbage.isEmpty {
            lines.append("collectable: nothing")
        } else {
            let blobs = garbage.unreferencedBlobs
            let blobBytes = blobs.reduce(Int64(0)) { $0 + $1.size }
            lines.append(
                "collectable: \(blobs.count) unreferenced blob\(blobs.count == 1 ? "" : "s") (\(Format.bytes(blobBytes))), "
                    + "\(garbage.staleIngestFiles.count) stale ingest file\(garbage.staleIngestFiles.count == 1 ? "" : "s"), "
                    + "\(garbage.deadLeases.count) dead lease\(garbage.deadLeases.count == 1 ? "" : "s"): "
                    + "gc would free \(Format.bytes(garbage.bytes)) (\(garbage.bytes) bytes)")
        }
        for path in report.foreignIngestFiles {
            lines.append("note: \(path) is not a file loom writes; gc leaves it alone")
        }
        if !report.liveLeases.isEmpty {
            lines.append("note: \(report.liveLeases.count) live lease(s) (work in progress); their new blobs look unreferenced until committed")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ report: VerifyReport) -> JSONValue {
        var o = JSONObject()
        o["clean"] = .bool(report.isClean)
        o["exit_code"] = .int(report.isClean ? 0 : ExitCodes.verifyBase + report.findingBits)
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
                .object(["path": .string($0.path), "size": .int($0.size), "modified": RecordJSON.time($0.modified)])
            }),
            "dead_leases": .array(garbage.deadLeases.map(lease)),
        ])
        o["live_leases"] = .array(report.liveLeases.map(lease))
        o["foreign_ingest_files"] = .array(report.foreignIngestFiles.map { .string($0) })
        return .object(o)
    }

    private static func lease(_ lease: LeaseRecord) -> JSONValue {
        .object([
            "name": .string(lease.name), "holder_pid": .int(lease.holderPID), "holder_host": .string(lease.holderHost),
            "acquired_at": RecordJSON.time(lease.acquiredAt), "expires_at": RecordJSON.time(lease.expiresAt),
        ])
    }

    /// One line per file (and per differing tensor), then the verdict.
    static func text(_ report: RebuildReport) -> String {
        var lines: [String] = []
        for file in report.files {
            if file.isIdentical {
                lines.append("\(file.path): identical \(file.recorded ?? "")")
                continue
            }
            lines.append(
                "\(file.path): differs: recorded \(file.recorded ?? "(none)"), on disk \(file.onDisk ?? "(none)"), "
                    + "rebuilt \(file.rebuilt ?? "(none)"): \(file.discrepancy ?? "")")
            for tensor in file.tensors {
                let amount = tensor.maxUlps.map { $0 == UInt64.max ? "NaN against a number" : "max \($0) ulp" } ?? "not comparable"
                lines.append("  \(tensor.name) (\(tensor.dtype)): \(tensor.note ?? "\(tensor.differingElements) elements differ, \(amount)")")
            }
            if let note = file.note { lines.append("  \(note)") }
        }
        lines += report.notes.map { "note: \($0)" }
        if report.isIdentical {
            lines.append("rebuild of \(report.key): bit-identical (\(report.files.count) files)")
        } else {
            let ulps = report.maxUlps.map { $0 == UInt64.max ? ", NaN where a number was" : ", max \($0) ulp" } ?? ""
            let differing = report.files.filter { !$0.isIdentical }.count
            lines.append("rebuild of \(report.key): differs (\(differing) of \(report.files.count) files\(ulps)); exit \(ExitCodes.verifyBase)")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ report: RebuildReport) -> JSONValue {
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
