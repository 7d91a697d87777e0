import Catalog
import ArgumentParser
import LoomJSON
import Registry

struct BaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "base", abstract: "Register base models.",
        discussion: """
            Examples:
              loom base add Tests/Fixtures/peft/bases/llama-tiny --name llama-tiny
              loom ls bases
            """,
        subcommands: [Add.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a Hugging Face model directory (safetensors weights) as a base.",
            usage: "loom base add <directory> --name <name> [<options>]",
            discussion: """
                Every .safetensors header and the shard index are validated, then each file is copied into the \
                store and hashed in one pass. Symlinks are followed only inside the directory, or into the blobs/ \
                of a Hugging Face cache repository for a snapshot directory. Registering identical content again \
                under the same name changes nothing; different content becomes the next version.

                Examples:
                  loom base add Tests/Fixtures/peft/bases/llama-tiny --name llama-tiny
                  loom base add ~/.cache/huggingface/hub/models--org--model/snapshots/<rev> \\
                      --name model --json
                """)

        @Argument(help: "The model directory (config.json, *.safetensors, optional index, tokenizer files).")
        var directory: String

        @Option(help: "The base's name (letters, digits, '.', '_', '-'; starts with a letter or digit).")
        var name: String

        @Flag(help: "Print the registered base as JSON.")
        var json = false

        @OptionGroup var global: GlobalOptions

        func run() throws {
            // Ctrl-C removes the partial blob and releases the lease (exit 130) instead of leaving them.
            InterruptHandler.install()
            try runReporting {
                let registration = try global.registry().registerBase(directory: directory, name: name, progress: TerminalProgress())
                for note in registration.notes { Terminal.error("loom: note: \(note)") }
                let b = registration.record
                if json {
                    var o = RecordJSON.base(b)
                    o["created"] = .bool(registration.created)
                    Terminal.out(JSONWriter.canonical.string(.object(o)))
                } else {
                    let verb = registration.created ? "registered" : "already registered, unchanged:"
                    Terminal.out("\(verb) base \(b.name)@\(b.version) \(Format.short(b.manifestDigest)) (\(b.architecture ?? "unknown architecture"), \(b.dtype), \(b.parameterCount) parameters, \(Format.bytes(b.totalSize)))")
                }
            }
        }
    }
}
