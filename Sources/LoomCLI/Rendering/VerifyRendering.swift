import LoomCore
import Foundation
import LoomDocuments
import LoomJSON
import Registry

/// The text of `loom verify` and `loom verify --rebuild` (the JSON is ``VerifyDocument``).
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
}
