import LoomCore
import LoomDocuments
import LoomJSON
import Registry

/// The text of `loom audit`: a provenance tree (the JSON is ``AuditDocument``).
enum AuditRendering {
    /// The artifact an `--in-toto` statement is about: the one audited, or the only artifact holding the file.
    static func singleArtifact(_ report: AuditReport) throws(RegistryError) -> ArtifactRecord {
        switch report {
        case .artifact(let artifact, _):
            return artifact
        case .file(let file):
            let artifacts = file.holders.compactMap { holder -> ArtifactRecord? in
                if case .artifact(let a, _) = holder { return a }
                return nil
            }
            guard artifacts.count == 1, let artifact = artifacts.first else {
                throw RegistryError(
                    .invalid,
                    artifacts.isEmpty
                        ? "\(file.path) is not an artifact's output file; --in-toto needs an artifact"
                        : "\(file.path) is held by \(artifacts.count) artifacts; audit one of them by key")
            }
            return artifact
        }
    }

    /// The tree for people. With a `width`, digests are cut to their 19-character short form (a prefix
    /// `loom audit` accepts) and lines longer than `width` end in `…`; nil prints everything (`--wide`).
    static func text(_ report: AuditReport, width: Int?) -> String {
        Format.fitted(text(report), to: width)
    }

    static func text(_ report: AuditReport) -> String {
        switch report {
        case .artifact(let artifact, let directory):
            return tree(artifact, directory: directory).joined(separator: "\n")
        case .file(let file):
            var lines = ["file \(file.path)", "  \(file.digest)  \(file.size) bytes", "held by:"]
            for holder in file.holders {
                switch holder {
                case .artifact(let a, let path):
                    lines.append("  artifact \(a.key) as \(path)")
                    lines += tree(a, directory: nil, nested: true).dropFirst().map { "    " + $0 }
                case .base(let b, let path):
                    lines.append("  base \(b.reference) as \(path)  (manifest \(b.manifestDigest))")
                case .adapter(let a, let path):
                    lines.append("  adapter \(a.reference) as \(path)  (manifest \(a.manifestDigest), on base \(a.baseReference))")
                }
            }
            lines += file.notes.map { "note: \($0)" }
            return lines.joined(separator: "\n")
        }
    }

    /// artifact → recipe as asked → base → adapters (weights, configs) → build → output files.
    /// A `nested` tree (under a file's holders) leaves out the directory line.
    static func tree(_ artifact: ArtifactRecord, directory: String?, nested: Bool = false) -> [String] {
        let p = artifact.provenance
        var lines = ["artifact \(artifact.key)"]
        if !nested { lines.append("├─ directory: \(directory ?? "(not materialized; loom build materializes it)")") }
        if let asked = p["asked"] {
            let names = asked["recipe"]?.stringValue ?? (asked["adapters"]?.arrayValue ?? []).compactMap { $0["asked"]?.stringValue }.joined(separator: " + ")
            let dtypeAsked = asked["dtype_asked"]?.stringValue.map { "--dtype \($0)" } ?? "default dtype"
            lines.append("├─ asked: \(names)" + (asked["base"]?["asked"]?.stringValue.map { " on \($0)" } ?? "") + ", \(dtypeAsked)")
        }
        let base = p["base"]
        lines.append("├─ base \(reference(base) ?? "?")  \(base?["digest"]?.stringValue ?? artifact.baseDigest)")
        let baseFacts = ["architecture", "model_type", "dtype"].compactMap { key in base?[key]?.stringValue.map { "\(key) \($0)" } }
        if !baseFacts.isEmpty { lines.append("│    " + baseFacts.joined(separator: ", ")) }
        let adapters = p["adapters"]?.arrayValue ?? []
        lines.append("├─ adapters (\(adapters.count))")
        for (i, a) in adapters.enumerated() {
            let branch = i == adapters.count - 1 ? "│  └─ " : "│  ├─ "
            let weight = a["weight"].map(scalar) ?? "?"
            lines.append(branch + "\(reference(a) ?? "?")  \(a["digest"]?.stringValue ?? "?")  weight \(weight)")
            let config = ["peft_type", "r", "lora_alpha", "use_rslora", "use_dora", "target_modules", "rank_pattern", "alpha_pattern"]
                .compactMap { key in a[key].map { "\(key) \(scalar($0))" } }
            lines.append((i == adapters.count - 1 ? "│       " : "│  │    ") + config.joined(separator: ", "))
        }
        lines.append("├─ output \(artifact.dtype), merge engine \(artifact.engineVersion), loom \(p["loom_version"]?.stringValue ?? "?")")
        let who = "\(p["user"]?.stringValue ?? "?")@\(p["host"]?.stringValue ?? "?")" + (p["pid"].map { " pid \(scalar($0))" } ?? "")
        lines.append("├─ built by \(who), \(p["started_at"]?.stringValue ?? "?") → \(p["finished_at"]?.stringValue ?? "?")")
        for note in p["notes"]?.arrayValue ?? [] { lines.append("├─ note: \(scalar(note))") }
        let files = artifact.files ?? []
        lines.append("└─ files (\(files.count), \(Format.bytes(artifact.totalSize)))")
        for (i, f) in files.enumerated() {
            lines.append((i == files.count - 1 ? "   └─ " : "   ├─ ") + "\(f.path)  \(f.digest)  \(f.size) bytes")
        }
        return lines
    }

    private static func reference(_ entry: JSONValue?) -> String? {
        guard let name = entry?["name"]?.stringValue else { return nil }
        return entry?["version"].map { "\(name)@\(scalar($0))" } ?? name
    }

    private static func scalar(_ value: JSONValue) -> String {
        if case .string(let s) = value { return s }
        return JSONWriter.canonical.string(value)
    }
}
