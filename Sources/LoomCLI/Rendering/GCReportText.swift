import Foundation
import Registry

/// `loom gc` for people: a table per kind of item with why it goes, what was skipped, the total.
/// Keys and digests are printed in full when the width allows (a plan must name exactly what goes); in a
/// narrower terminal they keep at least their 19-character short form, a prefix `loom audit` accepts,
/// and reasons and paths are cut first. `width` nil prints everything (`--wide`).
enum GCReportText {
    static func render(_ plan: GCPlan, now: Date = Date(), width: Int? = nil) -> String {
        var sections: [String] = []
        if !plan.artifacts.isEmpty {
            var t = Table("ARTIFACT", "SIZE", "LAST USED", "REASON")
            t.minimum("ARTIFACT", 20)
            t.keep("SIZE")
            t.minimum("REASON", 12)
            for a in plan.artifacts { t.add(a.key, Format.bytes(a.size), Format.age(a.lastUsedAt, now: now), a.reason) }
            sections.append(t.render(width: width))
        }
        if !plan.blobs.isEmpty {
            var t = Table("BLOB", "SIZE", "REASON")
            t.minimum("BLOB", 20)
            t.keep("SIZE")
            t.minimum("REASON", 12)
            for b in plan.blobs { t.add(b.digest, Format.bytes(b.size), b.reason) }
            sections.append(t.render(width: width))
        }
        if !plan.ingest.isEmpty {
            var t = Table("INGEST FILE", "SIZE", "MODIFIED", "REASON")
            t.keep("SIZE")
            t.minimum("REASON", 12)
            for f in plan.ingest { t.add(f.path, Format.bytes(f.size), Format.age(f.modifiedAt, now: now), f.reason) }
            sections.append(t.render(width: width))
        }
        if !plan.directories.isEmpty {
            var t = Table("DIRECTORY", "REASON")
            t.minimum("REASON", 12)
            for d in plan.directories { t.add(d.path, d.reason) }
            sections.append(t.render(width: width))
        }
        if !plan.leases.isEmpty {
            var t = Table("LEASE", "HOLDER", "REASON")
            t.minimum("REASON", 12)
            for l in plan.leases { t.add(l.name, l.holder, l.reason) }
            sections.append(t.render(width: width))
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
