import LoomCore
import Foundation
import LoomDocuments
import LoomJSON
import Registry

/// The text of `loom log` (the JSON is ``LogDocument``).
enum LogRendering {
    /// Aligned `seq  time  actor  kind  subject  detail` lines (digests shortened to 12 hex digits, a
    /// unique prefix `loom audit` accepts; `--json` has them in full), fitted to `width` (actor, subject
    /// and detail are cut first; nil cuts nothing and prints each detail whole), then the chain verdict.
    static func text(_ log: EventLog, width: Int? = nil) -> String {
        var table = Table("SEQ", "TIME", "ACTOR", "KIND", "SUBJECT", "DETAIL")
        table.showsHeader = false
        table.keep("SEQ", "TIME", "KIND")
        table.minimum("SUBJECT", 12)
        for e in log.events {
            table.add("\(e.seq)", Timestamps.iso(e.at), e.actor, e.kind, Format.short(e.subject), shortDetail(e.detail, limit: width == nil ? nil : 100))
        }
        var lines = log.events.isEmpty ? [] : [table.render(width: width)]
        if log.isVerified {
            let shown = log.events.count < log.total ? ", \(log.events.count) shown" : ""
            lines.append("chain: verified (\(log.total) events\(shown))")
        } else {
            lines += log.chainFindings.map { "chain: broken: \($0.description)" }
        }
        return lines.joined(separator: "\n")
    }

    /// The detail's top-level members as `key=value`, digests shortened, nested values summarized;
    /// at most `limit` characters.
    static func shortDetail(_ detail: JSONValue, limit: Int? = 100) -> String {
        func clip(_ text: String) -> String { Format.clip(text, to: limit) }
        guard let object = detail.objectValue else { return clip(JSONWriter.canonical.string(detail)) }
        let parts = object.members.map { member -> String in
            switch member.value {
            case .string(let s): return "\(member.key)=\(Format.short(s))"
            case .array(let items): return "\(member.key)=[\(items.count)]"
            case .object(let inner): return "\(member.key)={\(inner.count)}"
            default: return "\(member.key)=\(JSONWriter.canonical.string(member.value))"
            }
        }
        return clip(parts.joined(separator: " "))
    }
}
