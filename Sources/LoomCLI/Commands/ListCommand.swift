import Catalog
import ArgumentParser
import LoomJSON
import Registry

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List bases, adapters and artifacts.",
        discussion: """
            Examples:
              loom ls
              loom ls adapters --json
              loom ls artifacts
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case bases, adapters, artifacts
    }

    @Argument(help: "What to list: bases, adapters or artifacts (default: all three).")
    var kind: Kind?

    @Flag(help: "Print JSON: an array for one kind, an object {bases, adapters, artifacts} for all.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            let registry = try global.registry()
            let listing = try registry.list()
            if json {
                let bases = JSONValue.array(listing.bases.map { .object(RecordJSON.base($0)) })
                let adapters = JSONValue.array(listing.adapters.map { .object(RecordJSON.adapter($0)) })
                let artifacts = JSONValue.array(listing.artifacts.map { .object(RecordJSON.artifact($0, path: registry.artifactPath($0))) })
                switch kind {
                case .bases: Terminal.out(JSONWriter.canonical.string(bases))
                case .adapters: Terminal.out(JSONWriter.canonical.string(adapters))
                case .artifacts: Terminal.out(JSONWriter.canonical.string(artifacts))
                case nil: Terminal.out(JSONWriter.canonical.string(.object(["bases": bases, "adapters": adapters, "artifacts": artifacts])))
                }
                return
            }
            var sections: [String] = []
            if kind == nil || kind == .bases {
                var t = Table("BASE", "DIGEST", "ARCHITECTURE", "DTYPE", "PARAMS", "SIZE", "CREATED")
                for b in listing.bases {
                    t.add("\(b.name)@\(b.version)", Format.short(b.manifestDigest), b.architecture ?? "-", b.dtype, "\(b.parameterCount)", Format.bytes(b.totalSize), Format.age(b.createdAt))
                }
                sections.append(t.render())
            }
            if kind == nil || kind == .adapters {
                var t = Table("ADAPTER", "DIGEST", "BASE", "TYPE", "R", "ALPHA", "SIZE", "CREATED")
                for a in listing.adapters {
                    let type = a.peftType + (a.useDora ? "+DoRA" : "") + (a.useRslora ? " rs" : "")
                    t.add(a.reference, Format.short(a.manifestDigest), a.baseReference, type, a.r.map(String.init) ?? "-",
                          a.loraAlpha.map { "\($0)" } ?? "-", Format.bytes(a.totalSize), Format.age(a.createdAt))
                }
                sections.append(t.render())
            }
            if kind == nil || kind == .artifacts {
                var t = Table("ARTIFACT", "NAME", "BASE", "DTYPE", "SIZE", "LAST USED", "PINNED")
                let bases = Dictionary(listing.bases.map { ($0.manifestDigest, "\($0.name)@\($0.version)") }, uniquingKeysWith: { a, _ in a })
                for a in listing.artifacts {
                    t.add(Format.short(a.key), Names.artifactLabel(a), bases[a.baseDigest] ?? Format.short(a.baseDigest), a.dtype,
                          Format.bytes(a.totalSize), Format.age(a.lastUsedAt), a.pinned ? "pinned" : "")
                }
                sections.append(t.render())
            }
            Terminal.out(sections.joined(separator: "\n\n"))
        }
    }
}
