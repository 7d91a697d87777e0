import Foundation
import Registry

/// `loom gc` for people: a table per kind of item with why it goes, what was skipped, the total.
/// Keys and digests are printed in full (a plan must name exactly what goes).
enum GCReportText {
    static func render(_ plan: GCPlan, now: Date = Date()) -> String {
        var sections: [String] = []
        if !plan.artifacts.isEmpty {
            var t = Table("ARTIFACT", "SIZE", "LAST USED", "REASON")
            for a in plan.artifacts { t.add(a.key, Format.bytes(a.size), Format.age(a.lastUsedAt, now: now), a.reason) }
            sections.append(t.render())
        }
        if !plan.blobs.isEmpty {
            var t = Table("BLOB", "SIZE", "REASON")
            for b in plan.blobs { t.add(b.digest, Format.bytes(b.size), b.reason) }
            sections.append(t.render())
        }
        if !plan.ingest.isEmpty {
            var t = Table("INGEST FILE", "SIZE", "MODIFIED", "REASON")
            for f in plan.ingest { t.add(f.path, Format.bytes(f.size), Format.age(f.modifiedAt, now: now), f.reason) }
            sections.append(t.render())
        }
        if !plan.directories.isEmpty {
            var t = Table("DIRECTORY", "REASON")
            for d in plan.directories { t.add(d.path, d.reason) }
            sections.append(t.render())
        }
        if !plan.leases.isEmpty {
            var t = Table("LEASE", "HOLDER", "REASON")
            for l in plan.leases { t.add(l.name, l.holder, l.reason) }
            sections.append(t.render())
        }
        var tail = plan.skipped.map { "skipped \($0.subject): \($0.reason)" }
        tail.append(plan.isEmpty ? "nothing to collect" : "\(plan.dryRun ? "would free" : "freed") \(Format.bytes(plan.bytesFreed)) (\(summary(plan)))")
        if plan.dryRun { tail.append("dry run: nothing was changed") }
        sections.append(tail.joined(separator: "\n"))
        return sections.joined(separator: "\n\n")
    }

    private static func summary(_ plan: GCPlan) -> String {
        [
            count(plan.artifacts.count, "artifact"), count(plan.blobs.count, "blob"), count(plan.ingest.count, "ingest file"),
            count(plan.directories.count, "directory", plural: "directories"), count(plan.leases.count, "dead lease"),
        ].compactMap { $0 }.joined(separator: ", ")
    }

    private static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String? {
        n == 0 ? nil : "\(n) \(n == 1 ? noun : plural ?? noun + "s")"
    }
}
