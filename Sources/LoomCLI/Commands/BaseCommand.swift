import LoomCore
import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct BaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "base", abstract: "Register base models.",
        discussion: """
            Examples:
              loom base add Tests/Fixtures/peft/bases/llama-tiny --name llama-tiny
              loom base alias llama-tiny tiny
              loom ls bases
            """,
        subcommands: [Add.self, Alias.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a Hugging Face model directory (safetensors weights) as a base.",
            usage: "loom base add <directory> --name <name> [<options>]",
            discussion: """
                Every .safetensors header and the shard index are validated, then each file is copied into the \
                store and hashed in one pass. Symlinks are followed only inside the directory, or into the blobs/ \
                of a Hugging Face cache repository for a snapshot directory. Registering identical content again \
                under the same name changes nothing (but adds new aliases, and a Hub id to a version that had \
                none); different content becomes the next version.

                The Hugging Face id (ORG/NAME and revision) is read from a snapshot path \
                (…/models--ORG--NAME/snapshots/REV), or given with --hf-id. An adapter whose \
                base_model_name_or_path is the base's name, an alias, its Hub id (with or without the \
                revision) or its snapshot path then finds it without --base.

                Examples:
                  loom base add Tests/Fixtures/peft/bases/llama-tiny --name llama-tiny
                  loom base add ~/.cache/huggingface/hub/models--org--model/snapshots/<rev> \\
                      --name model --json
                  loom base add ./llama-tiny --name llama-tiny --hf-id tinyorg/llama-tiny \\
                      --alias llama-tiny-v2
                """)

        @Argument(help: "The model directory (config.json, *.safetensors, optional index, tokenizer files).")
        var directory: String

        @Option(help: "The base's name (letters, digits, '.', '_', '-'; starts with a letter or digit).")
        var name: String

        @Option(name: .customLong("hf-id"), help: "The Hugging Face id ORG/NAME[@REVISION] (default: from a snapshot path).")
        var hfID: String?

        @Option(help: "Another name for the base that adapters may use (repeatable; unique across all names).")
        var alias: [String] = []

        @Flag(help: "Print the registered base as JSON.")
        var json = false

        @OptionGroup var global: GlobalOptions

        func run() throws {
            // Ctrl-C removes the partial blob and releases the lease (exit 130) instead of leaving them.
            InterruptHandler.install()
            try runReporting {
                let hub = try hfID.map { text throws(RegistryError) in try HubID(parsing: text) }
                let registry = try global.registry()
                let registration = try registry.registerBase(
                    directory: directory, name: name, hfID: hub, aliases: alias, progress: TerminalProgress())
                for note in registration.notes { Terminal.error("loom: note: \(note)") }
                let b = registration.record
                if json {
                    let document = RegistrationDocument.base(b, aliases: try registry.aliases(ofBase: b.name), created: registration.created)
                    Terminal.out(JSONWriter.canonical.string(document))
                } else {
                    let verb = registration.created ? "registered" : "already registered, unchanged:"
                    Terminal.out("\(verb) base \(b.name)@\(b.version) \(Format.short(b.manifestDigest)) (\(b.architecture ?? "unknown architecture"), \(b.dtype), \(b.parameterCount) parameters, \(Format.bytes(b.totalSize)))")
                }
            }
        }
    }
}

extension BaseCommand {
    struct Alias: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give a base another name that adapters' base_model_name_or_path may use.",
            discussion: """
                An alias names the base (its latest version), is unique across the names of bases, \
                adapters, recipes and aliases, and goes when the base's last version is removed. Adding an \
                alias the base already has changes nothing.

                Examples:
                  loom base alias llama-tiny llama-tiny-v2
                  loom base alias llama-tiny llama-tiny-v2 --remove
                """)

        @Argument(help: "The base's name.")
        var name: String

        @Argument(help: "The alias (letters, digits, '.', '_', '-'; starts with a letter or digit).")
        var alias: String

        @Flag(help: "Remove the alias instead.")
        var remove = false

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try runReporting {
                let registry = try global.registry()
                if remove {
                    try registry.removeBaseAlias(alias, of: name)
                    Terminal.out("removed alias \(alias) of base \(name)")
                } else {
                    let added = try registry.addBaseAlias(alias, to: name)
                    Terminal.out(added ? "base \(name) is also \(alias)" : "base \(name) already has alias \(alias), unchanged")
                }
            }
        }
    }
}
