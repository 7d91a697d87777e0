import ArgumentParser
import LoomCore
import LoomDocuments
import LoomJSON
import Registry

extension AdapterCommand {
    struct Extract: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a LoRA adapter approximating a full fine-tune of a base.",
            usage: "loom adapter extract --base <name> --tuned <dir> --rank <r> --name <name>",
            discussion: """
                For every linear weight that differs between the tuned model and the base, the delta \
                (tuned - base, in float64) is cut to rank r by a truncated SVD and stored as lora_B = U·√Σ, \
                lora_A = √Σ·Vh with lora_alpha = r (scale 1). Weights with fewer than r rows or columns keep \
                them all (rank_pattern). The default is a seeded randomized SVD (same inputs and seed, same \
                bytes); --exact uses LAPACK's full SVD, the optimal error, slower on large weights.

                Other tensors that differ (embeddings, norms, biases) are saved whole, as PEFT's \
                modules_to_save; --skip-undecomposable leaves them out (mergekit's flag). The tuned directory \
                is checked as `loom base add` checks a base, and must hold the base's tensors with the same \
                dtypes and shapes. The adapter records the base's and the tuned model's digests and the rank \
                (`loom show NAME`); `loom adapter export` writes it as a PEFT directory.

                Examples:
                  loom adapter extract --base llama3 --tuned ./llama3-ft --rank 16 \\
                    --name ft-r16
                  loom adapter extract --base llama3 --tuned ./llama3-ft --rank 8 \\
                    --name ft-r8 --exact --json
                """)

        @Option(help: ArgumentHelp("The base it was fine-tuned from (NAME or NAME@VERSION).", valueName: "name"))
        var base: String

        @Option(help: ArgumentHelp("The fully fine-tuned model directory.", valueName: "dir"))
        var tuned: String

        @Option(help: "The LoRA rank (at least 1).")
        var rank: Int

        @Option(help: "The new adapter's name.")
        var name: String

        @Flag(help: "Use LAPACK's full SVD instead of the randomized one.")
        var exact = false

        @Option(help: "The randomized SVD's seed.")
        var seed: UInt64 = 0

        @Flag(help: "Leave out changed tensors that are not linear weights.")
        var skipUndecomposable = false

        @Flag(help: "Print the registered adapter as JSON.")
        var json = false

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            guard rank >= 1 else { throw ValidationError("--rank must be at least 1, not \(rank)") }
            if exact && seed != 0 { throw ValidationError("--seed is for the randomized SVD; --exact uses none") }
        }

        func run() throws {
            InterruptHandler.install()
            try runReporting {
                let baseReference = try Reference(parsing: base)
                let options = ExtractionOptions(rank: rank, exact: exact, seed: seed, skipUndecomposable: skipUndecomposable)
                let r = try global.registry().extractAdapter(
                    base: baseReference, tuned: tuned, name: name, options: options, progress: TerminalProgress())
                for note in r.notes { Terminal.error("loom: note: \(note)") }
                let a = r.registration.record
                if json {
                    var o = RecordDocument.adapter(a)
                    o["created"] = .bool(r.registration.created)
                    o["extracted_from"] = ExtractionDocument.object(r.extraction)
                    o["decomposed"] = .array(r.decomposed.map { .string($0) })
                    o["saved_whole"] = .array(r.savedWhole.map { .string($0) })
                    o["skipped"] = .array(r.skipped.map { .string($0) })
                    Terminal.out(JSONWriter.canonical.string(.object(o)))
                } else {
                    let method = exact ? "exact SVD" : "randomized SVD, seed \(seed)"
                    Terminal.out(
                        "extracted adapter \(a.reference) \(Format.short(a.manifestDigest)) on \(a.baseReference) (LORA, r=\(rank), \(r.decomposed.count) weights, \(method))")
                }
            }
        }
    }
}
