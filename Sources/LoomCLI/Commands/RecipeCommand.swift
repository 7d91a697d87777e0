import ArgumentParser
import LoomCore
import LoomDocuments
import LoomJSON
import Registry

struct RecipeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recipe", abstract: "Name builds: a base, weighted adapters and a dtype you can build by name.",
        discussion: """
            Examples:
              loom recipe add sql-prod --base llama-tiny --adapter sql:1.0
              loom recipe ls
              loom recipe rm sql-prod
            """,
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a named build.",
            usage: "loom recipe add <name> [--base <name>] --adapter <name:w> ... [<options>]",
            discussion: """
                Inputs are names: a name without @VERSION means the latest version when the recipe is built, \
                so registering a new adapter version changes what the recipe builds. Without --base, the \
                base the adapters were registered on (NAME@VERSION; they must share one). The combination \
                is checked now exactly as `loom build` would check it. --combine and its options (see \
                `loom build --help`) are stored with the recipe and apply whenever it is built, and so \
                are --qlora nf4 and --no-double-quant (a QLoRA-faithful build).

                --replace changes only what is given: a base, dtype, adapter list, combination or \
                --qlora not repeated is kept, and the output says what changed.

                Examples:
                  loom recipe add sql-prod --adapter sql:1.0 --adapter style:0.25 \\
                      --dtype bf16
                  loom pin sql-prod
                  loom recipe add sql-prod --adapter sql@3 --replace
                  loom recipe add sql-ties --adapter sql --adapter chat:0.5 \\
                      --combine magnitude_prune --density 0.4
                  loom recipe add sql-q --adapter sql-qlora --qlora nf4
                """)

        @Argument(help: "The recipe's name.")
        var name: String

        @Option(help: ArgumentHelp("The base (NAME or NAME@VERSION; default: the adapters' base).", valueName: "name"))
        var base: String?

        @Option(name: .customLong("adapter"), help: ArgumentHelp("An adapter and its weight, NAME[@V][:WEIGHT]; repeat for several.", valueName: "name:weight"))
        var adapters: [String] = []

        @Option(help: ArgumentHelp("Output dtype: f32, f16 or bf16 (default: the base's).", valueName: "dtype"))
        var dtype: String?

        @OptionGroup var combination: CombineFlags

        @OptionGroup var quantization: QLoRAFlags

        @Flag(help: "Change an existing recipe (what is not given is kept).")
        var replace = false

        @Flag(help: "Print the recipe as JSON.")
        var json = false

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if adapters.isEmpty && !replace { throw ValidationError("give at least one --adapter NAME[:WEIGHT]") }
            if let dtype, ModelDType(parsing: dtype) == nil { throw ValidationError("--dtype must be f32, f16 or bf16, not \"\(dtype)\"") }
        }

        func run() throws {
            try runReporting {
                let registry = try global.registry()
                let previous = replace ? try registry.recipe(named: name) : nil
                let (record, created) = try registry.addRecipe(
                    name: name, base: try base.map { (t) throws(RegistryError) in try Reference(parsing: t) },
                    adapters: try adapters.map { (t) throws(RegistryError) in try WeightedReference(parsing: t) },
                    dtype: dtype.flatMap(ModelDType.init(parsing:)), replace: replace,
                    combine: combination.combine == nil ? nil : try combination.combination(),
                    qlora: try quantization.options())
                let changes = previous.map { RecipeDocument.changes(from: $0, to: record) } ?? []
                if json {
                    let document = RecipeDocument.saved(record, created: created, changes: previous == nil ? nil : changes)
                    Terminal.out(JSONWriter.canonical.string(document))
                } else {
                    Terminal.out("\(created ? "saved" : "unchanged:") recipe \(record.name) = \(RecipeText.summary(record))")
                    if created, !changes.isEmpty { Terminal.error("loom: note: changed " + changes.joined(separator: "; ")) }
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ls", abstract: "List recipes.",
            discussion: """
                One line per recipe: its name, its inputs as asked (a name without @VERSION is resolved \
                when built) and when it last changed. The table fits the terminal's width (--wide: all).

                Examples:
                  loom recipe ls
                  loom recipe ls --json | jq -r '.[].name'
                """)

        @Flag(help: "Print a JSON array.")
        var json = false

        @OptionGroup var width: WidthOptions

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try runReporting {
                let recipes = try global.listingRegistry().recipes()
                if json {
                    Terminal.out(JSONWriter.canonical.string(RecipeDocument.list(recipes)))
                } else {
                    Terminal.out(ListRendering.recipeTable(recipes, width: width.width))
                }
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rm", abstract: "Remove a recipe (artifacts it built stay until gc evicts them).",
            discussion: """
                Only the name goes: its adapters and base stay registered, and the artifacts it built stay \
                in the cache, still found by key, until `loom gc` evicts them (unpin them first to let it).

                Examples:
                  loom recipe rm sql-prod
                  loom recipe rm sql-prod && loom gc --max-size 20G
                """)

        @Argument(help: "The recipe's name.")
        var name: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try runReporting {
                let removed = try global.registry().removeRecipe(name: name)
                Terminal.out("removed recipe \(removed.name)")
            }
        }
    }
}

struct PinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Pin an artifact so that gc never evicts it.",
        discussion: """
            NAME is a recipe or adapter, resolved to the artifact it builds now, or an artifact key (or \
            unique prefix). When that artifact has not been built, pin builds it first (and says so on \
            stderr). A recipe whose adapter was removed (rm --force) pins the newest pinned (else newest) artifact it built. \
            Pinning is idempotent; `loom unpin` undoes it.

            Examples:
              loom recipe add sql-prod --adapter sql:1.0
              loom pin sql-prod
              loom pin sha256:3f2a9c41
            """)

    @Argument(help: "A recipe, an adapter, or an artifact key.")
    var name: String

    @Flag(help: "Print the artifact as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        InterruptHandler.install()
        try PinCommand.set(name, pinned: true, json: json, global: global)
    }

    static func set(_ name: String, pinned: Bool, json: Bool, global: GlobalOptions) throws {
        try runReporting {
            let registry = try global.registry()
            let artifact = try registry.setPinned(name, pinned, progress: TerminalProgress())
            if json {
                Terminal.out(JSONWriter.canonical.string(PinDocument.artifact(artifact, path: registry.artifactPath(artifact))))
            } else {
                Terminal.out("\(pinned ? "pinned" : "unpinned") \(artifact.key)")
            }
        }
    }
}

struct UnpinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpin", abstract: "Unpin an artifact (gc may evict it again).",
        discussion: "Examples:\n  loom unpin sql-prod")

    @Argument(help: "A recipe, an adapter, or an artifact key.")
    var name: String

    @Flag(help: "Print the artifact as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws { try PinCommand.set(name, pinned: false, json: json, global: global) }
}
