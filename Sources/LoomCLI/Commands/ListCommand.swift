import Catalog
import ArgumentParser
import LoomJSON
import Registry

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List bases, adapters and artifacts.",
        usage: "loom ls [<kind>] [--sort <key>] [--limit <n>] [<filters>] [<options>]",
        discussion: """
            Tables fit the terminal's width: long cells end in '…' (--wide prints everything; --json has \
            full digests and exact numbers). Filters and --sort apply to every kind listed: --base keeps that \
            base, its adapters and the artifacts built on it; --pinned lists pinned artifacts only. Age is \
            the time since creation for bases and adapters, since last use for artifacts. --limit keeps the \
            first N of each kind after sorting.

            Examples:
              loom ls
              loom ls adapters --json
              loom ls artifacts --sort size --limit 5
              loom ls artifacts --older-than 30d --larger-than 1G
              loom ls --base llama3 -q
              loom ls artifacts --pinned -q | xargs -n1 loom unpin
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case bases, adapters, artifacts
    }

    @Argument(help: "What to list: bases, adapters or artifacts (default: all three).")
    var kind: Kind?

    @Option(help: ArgumentHelp("Order by size (largest first), age (newest first) or name (the default).", valueName: "key"))
    var sort: ListFilter.SortKey = .name

    @Option(help: ArgumentHelp("Show at most N of each kind (after sorting).", valueName: "n"))
    var limit: Int?

    @Option(help: ArgumentHelp("Only this base (NAME or NAME@VERSION), its adapters and what was built on it.", valueName: "name"))
    var base: String?

    @Option(
        name: .customLong("larger-than"), help: ArgumentHelp("Only what is larger than SIZE (K, M, G, T; decimals allowed).", valueName: "size"),
        transform: ByteCount.parse)
    var largerThan: ByteCount?

    @Option(
        name: .customLong("older-than"), help: ArgumentHelp("Only what is older than DURATION (artifacts: unused for that long).", valueName: "duration"),
        transform: TimeSpan.parse)
    var olderThan: TimeSpan?

    @Flag(help: "Only pinned artifacts.")
    var pinned = false

    @Flag(name: .shortAndLong, help: "Print only NAME@VERSION or artifact keys, one a line, for scripts.")
    var quiet = false

    @Flag(help: "Print JSON: an array for one kind, an object {bases, adapters, artifacts} for all.")
    var json = false

    @OptionGroup var width: WidthOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more, not \(limit)") }
        if quiet && json { throw ValidationError("give -q or --json, not both") }
        if pinned, let kind, kind != .artifacts { throw ValidationError("--pinned applies to artifacts, not \(kind.rawValue)") }
    }

    func run() throws {
        try runReporting {
            let registry = try global.registry()
            let filter = ListFilter(
                sort: sort, limit: limit, base: try base.map { (t) throws(RegistryError) in try Reference(parsing: t) },
                largerThan: largerThan?.bytes, olderThan: olderThan?.duration, pinnedOnly: pinned)
            let everything = try registry.list()
            // An unknown --base is a typo far more often than an empty result.
            if let base = filter.base, !everything.bases.contains(where: { $0.name == base.name && (base.version == nil || $0.version == base.version) }) {
                let hint = Names.suggestion(for: base.name, among: everything.bases.map(\.name)).map { "; did you mean \"\($0)\"?" } ?? ""
                throw RegistryError(.notFound, "--base \(base): no such base is registered" + hint)
            }
            let listing = filter.apply(to: everything)
            let kinds: [Kind] = kind.map { [$0] } ?? (pinned ? [.artifacts] : Kind.allCases)
            if quiet {
                var lines: [String] = []
                if kinds.contains(.bases) { lines += listing.bases.map(\.reference) }
                if kinds.contains(.adapters) { lines += listing.adapters.map(\.reference) }
                if kinds.contains(.artifacts) { lines += listing.artifacts.map(\.key) }
                if !lines.isEmpty { Terminal.out(lines.joined(separator: "\n")) }
                return
            }
            if json {
                let bases = JSONValue.array(listing.bases.map { .object(RecordJSON.base($0)) })
                let adapters = JSONValue.array(listing.adapters.map { .object(RecordJSON.adapter($0)) })
                let artifacts = JSONValue.array(listing.artifacts.map { .object(RecordJSON.artifact($0, path: registry.artifactPath($0), hold: listing.holds[$0.key])) })
                switch kind {
                case .bases: Terminal.out(JSONWriter.canonical.string(bases))
                case .adapters: Terminal.out(JSONWriter.canonical.string(adapters))
                case .artifacts: Terminal.out(JSONWriter.canonical.string(artifacts))
                case nil: Terminal.out(JSONWriter.canonical.string(.object(["bases": bases, "adapters": adapters, "artifacts": artifacts])))
                }
                return
            }
            Terminal.out(ListRendering.tables(listing, kinds: Set(kinds.map(\.rawValue)), width: width.width, allBases: everything.bases))
        }
    }
}
