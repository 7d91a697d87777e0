import LoomCore
import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List bases, adapters, artifacts and recipes.",
        usage: "loom ls [<kind>] [--sort <key>] [--limit <n>] [<filters>] [<options>]",
        discussion: """
            Tables fit the terminal's width: long cells end in '…' (--wide prints everything; --json has \
            full digests and exact numbers). Filters and --sort apply to every kind listed: --base keeps that \
            base, its adapters and the artifacts built on it; --pinned lists pinned artifacts only. Age is \
            the time since creation for bases and adapters, since last use for artifacts, since the last \
            change for recipes. --limit keeps the first N of each kind after sorting. Recipes are listed when \
            there are any (or with `ls recipes`).

            Examples:
              loom ls
              loom ls adapters --json
              loom ls recipes
              loom ls artifacts --sort size --limit 5
              loom ls artifacts --older-than 30d --larger-than 1G
              loom ls --base llama3 -q
              loom ls artifacts --pinned -q | xargs -n1 loom unpin
            """)

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case bases, adapters, artifacts, recipes
    }

    @Argument(help: "What to list: bases, adapters, artifacts or recipes (default: all).")
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

    @Flag(name: .shortAndLong, help: "Print only NAME@VERSION, artifact keys or recipe names, one a line, for scripts.")
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
            let registry = try global.listingRegistry()
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
            // Recipes only when there are some: the three tables of a store without recipes stay as they were.
            let kinds: [Kind] = kind.map { [$0] } ?? (pinned ? [.artifacts] : Kind.allCases.filter { $0 != .recipes || !listing.recipes.isEmpty })
            if quiet {
                var lines: [String] = []
                if kinds.contains(.bases) { lines += listing.bases.map(\.reference) }
                if kinds.contains(.adapters) { lines += listing.adapters.map(\.reference) }
                if kinds.contains(.artifacts) { lines += listing.artifacts.map(\.key) }
                if kinds.contains(.recipes) { lines += listing.recipes.map(\.name) }
                if !lines.isEmpty { Terminal.out(lines.joined(separator: "\n")) }
                return
            }
            if json {
                let document: JSONValue
                switch kind {
                case .bases: document = ListDocument.bases(listing)
                case .adapters: document = ListDocument.adapters(listing)
                case .artifacts: document = ListDocument.artifacts(listing, path: registry.artifactPath)
                case .recipes: document = ListDocument.recipes(listing)
                case nil: document = ListDocument.all(listing, path: registry.artifactPath)
                }
                Terminal.out(JSONWriter.canonical.string(document))
                return
            }
            Terminal.out(ListRendering.tables(listing, kinds: Set(kinds.map(\.rawValue)), width: width.width, allBases: everything.bases))
        }
    }
}
