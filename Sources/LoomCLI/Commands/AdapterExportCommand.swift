import ArgumentParser
import LoomCore
import LoomDocuments
import LoomJSON
import Registry

extension AdapterCommand {
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a registered adapter as a PEFT adapter directory.",
            usage: "loom adapter export <adapter> <directory> [<options>]",
            discussion: """
                Writes the files the adapter was registered with (adapter_config.json, \
                adapter_model.safetensors and any tokenizer files) as real files, each checked against its \
                digest, into a new directory that appears whole or not at all. An existing directory must be \
                empty. Registering the result again gives the same digest.

                Examples:
                  loom adapter export ft-r16 ./ft-r16-peft
                  loom adapter export llama-qv@2 /tmp/llama-qv --json
                """)

        @Argument(help: "The adapter (NAME or NAME@VERSION).")
        var adapter: String

        @Argument(help: "The directory to create.")
        var directory: String

        @Flag(help: "Print what was written as JSON.")
        var json = false

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try runReporting {
                let r = try global.registry().exportAdapter(try Reference(parsing: adapter), to: directory)
                if json {
                    var o = RecordDocument.adapter(r.record)
                    o["directory"] = .string(r.directory)
                    o["files"] = RecordDocument.files(r.files)
                    Terminal.out(JSONWriter.canonical.string(.object(o)))
                } else {
                    Terminal.out("exported adapter \(r.record.reference) \(Format.short(r.record.manifestDigest)) to \(directory) (\(r.files.count) files)")
                }
            }
        }
    }
}
