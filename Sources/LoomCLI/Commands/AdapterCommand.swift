import LoomCore
import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct AdapterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "adapter", abstract: "Register, extract and export PEFT adapters.",
        discussion: """
            Examples:
              loom adapter add Tests/Fixtures/peft/adapters/llama-qv --name llama-qv
              loom adapter extract --base llama3 --tuned ./llama3-ft --rank 16 \\
                --name ft-r16
              loom adapter export ft-r16 ./ft-r16-peft
              loom ls adapters
            """,
        subcommands: [Add.self, Extract.self, Export.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a PEFT adapter directory (adapter_config.json + adapter_model.safetensors).",
            usage: "loom adapter add <directory> --name <name> [--base <name>] [<options>]",
            discussion: """
                The adapter is validated against its base before anything is stored: every tensor key must belong to a \
                module the config selects and the base has, shapes must agree with the rank and the base layer, and no \
                value may be NaN or Inf. Configs PEFT would fill with defaults (no r or lora_alpha) and variants loom \
                cannot merge faithfully are refused naming the field, and so is an lm_head resized without the input \
                embedding (transformers could not load the merge). Without --base, the base is the one \
                base_model_name_or_path names: a base name or alias, a Hugging Face snapshot path or Hub id \
                (ORG/NAME[@REV], as recorded by `loom base add`), the directory a base was registered from, or \
                the last path component as a name or alias; when several bases match, or none, the error lists them.

                Tokenizer and chat-template files beside the adapter (tokenizer.json, tokenizer_config.json, \
                special_tokens_map.json, added_tokens.json, chat_template.jinja, chat_template.json, \
                tokenizer.model, spiece.model, sentencepiece.bpe.model, vocab.json, merges.txt, vocab.txt) are \
                registered with it, are part of its digest, and replace the base's in what it builds.

                Examples:
                  loom adapter add Tests/Fixtures/peft/adapters/llama-qv --name llama-qv
                  loom adapter add ./sql-lora --name sql --base llama-tiny@2
                """)

        @Argument(help: "The adapter directory.")
        var directory: String

        @Option(help: "The adapter's name.")
        var name: String

        @Option(help: ArgumentHelp("The base to validate against (NAME or NAME@VERSION).", valueName: "name"))
        var base: String?

        @Flag(help: "Print the registered adapter as JSON.")
        var json = false

        @OptionGroup var global: GlobalOptions

        func run() throws {
            // Ctrl-C removes the partial blob and releases the lease (exit 130) instead of leaving them.
            InterruptHandler.install()
            try runReporting {
                let baseReference = try base.map { (text) throws(RegistryError) in try Reference(parsing: text) }
                let r = try global.registry().registerAdapter(directory: directory, name: name, base: baseReference, progress: TerminalProgress())
                for note in r.notes { Terminal.error("loom: note: \(note)") }
                let a = r.record
                if json {
                    Terminal.out(JSONWriter.canonical.string(RegistrationDocument.adapter(a, created: r.created)))
                } else {
                    let verb = r.created ? "registered" : "already registered, unchanged:"
                    let rank = a.r.map { "r=\($0), α=\(a.loraAlpha.map { "\($0)" } ?? "-")" } ?? a.peftType
                    Terminal.out("\(verb) adapter \(a.reference) \(Format.short(a.manifestDigest)) on \(a.baseReference) (\(a.peftType), \(rank)\(a.useRslora ? ", rslora" : "")\(a.useDora ? ", dora" : ""))")
                }
            }
        }
    }
}
