import LoomCore
import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show everything recorded about a base, an adapter or an artifact.",
        discussion: """
            For an adapter: PEFT type, rank, alpha, rslora/DoRA flags, target modules, rank and alpha \
            patterns, the adapted modules, files and digests, its base, and the tokenizer and chat-template \
            files it ships (which replace the base's in a build). Modules with the same rank and \
            scaling over the same layers share a line, the largest group first (`q_proj, v_proj × 32 \
            layers: r 16, s 2`, then the exceptions); --full lists every module, as --json does. Lines \
            fit the terminal's width (digests cut to sha256: and 12 hex digits); --wide prints them whole.

            Examples:
              loom show llama-qv
              loom show llama-tiny@1 --json
              loom show llama-qv --full
              loom show sha256:3f2a9c41   # an artifact key or a unique prefix
            """)

    @Argument(help: "NAME, NAME@VERSION, or an artifact key.")
    var name: String

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "List every adapted module on its own, not grouped by layer and settings.")
    var full = false

    @OptionGroup var width: WidthOptions

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            let registry = try global.registry()
            let shown = try registry.show(name)
            switch shown {
            case .base(let b, let files, let tensorCount, let adapters):
                emit(ShowDocument.base(b, files: files, tensorCount: tensorCount, adapters: adapters, aliases: try registry.aliases(ofBase: b.name)))
            case .adapter(let a, let files):
                var o = ShowDocument.adapter(a, files: files, extractedFrom: try registry.extraction(of: a).map(ExtractionDocument.object))
                if !json {
                    // People get the shipped files as one sentence (none: no line), and the modules grouped unless --full.
                    let ships = ShowDocument.shippedFiles(files)
                    o["ships"] = ships.isEmpty ? nil : .string(ships.joined(separator: ", ") + " (builds use them instead of the base's)")
                    if !full { o["summary"] = grouped(a.summary) }
                }
                emit(o)
            case .recipe(let r, let key, let built):
                emit(ShowDocument.recipe(r, key: key, built: built))
            case .artifact(let a):
                emit(ShowDocument.artifact(a, path: registry.artifactPath(a), hold: try registry.liveHolds()[a.key]))
            }
        }
    }

    /// The summary with its `modules` grouped (``ModuleSummary``) and counted.
    private func grouped(_ summary: JSONValue) -> JSONValue {
        guard var object = summary.objectValue, let modules = object["modules"]?.arrayValue else { return summary }
        object["modules"] = .object(ModuleSummary.grouped(modules))
        object["module_count"] = .int(modules.count)
        return .object(object)
    }

    private func emit(_ o: JSONObject) {
        if json {
            Terminal.out(JSONWriter.canonical.string(.object(o)))
        } else {
            Terminal.out(Format.fitted(HumanJSON.render(.object(o)), to: width.width))
        }
    }
}

/// Renders JSON as indented `key: value` lines for people.
enum HumanJSON {
    static func render(_ value: JSONValue, indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        switch value {
        case .object(let o):
            return o.members.map { m in
                switch m.value {
                case .object(let inner) where inner.count > 0: return "\(pad)\(m.key):\n" + render(m.value, indent: indent + 1)
                case .array(let items) where items.contains(where: { $0.objectValue != nil }):
                    return "\(pad)\(m.key):\n" + items.map { item in
                        // "- first: value" then the other members aligned under it.
                        let lines = render(item, indent: 0).split(separator: "\n", omittingEmptySubsequences: false)
                        return lines.enumerated().map { i, line in "\(pad)  \(i == 0 ? "- " : "  ")\(line)" }.joined(separator: "\n")
                    }.joined(separator: "\n")
                default: return "\(pad)\(m.key): \(scalar(m.value))"
                }
            }.joined(separator: "\n")
        default:
            return pad + scalar(value)
        }
    }

    private static func scalar(_ v: JSONValue) -> String {
        switch v {
        case .string(let s): return s
        case .null: return "-"
        default: return JSONWriter.canonical.string(v)
        }
    }
}
