import LoomCore
import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Merge adapters into a base (or find the merged model in the cache) and print its directory.",
        usage: "loom build <name> [<options>]\nloom build [--base <name>] --adapter <name:weight> ... [<options>]",
        discussion: """
            NAME is a recipe or an adapter (merged into the base it was registered on, with weight 1). Or give \
            --base and one --adapter NAME[@V][:WEIGHT] per adapter: the result is exactly W0 + Σ weight·scaling·B·A, \
            computed in float64 and rounded once to the output dtype (default: the base's). The merged model is \
            cached under a key of its resolved inputs; an identical request returns the same directory at once.

            --base NAME without @VERSION is NAME's latest version; when an adapter was registered on another \
            version of NAME (the one `loom build ADAPTER` uses), a note on stderr says which is used. One \
            adapter given twice (x:0.5 x:0.5, or two names with the same bytes) is refused: summing weights \
            is exact for LoRA but not for DoRA, so give it once with the weight you mean.

            --combine METHOD changes how the adapters' full deltas D = scaling·B·A combine on each module \
            (PEFT's merge_utils, applied before any SVD): magnitude_prune keeps the int(density·numel) largest |D| of \
            each delta (between equal magnitudes, the lower index) and sums them weighted; ties also elects a sign per element \
            (--majority-sign total or frequency, 0 counts as +) and averages the agreeing deltas; dare_linear \
            and dare_ties keep each element with probability --density, from masks derived from --seed, \
            adapter digest, tensor name and element index, rescaled by 1/density. Such tensors are computed \
            whole, with about (adapters + 2) float64 copies of the tensor in memory at the peak. The options are part of the \
            cache key; DoRA, IA3 and full-replacement adapters are refused with them.

            --qlora nf4 merges a QLoRA adapter onto the base it was trained against: every weight that \
            transformers quantizes on a 4-bit load (each nn.Linear but the output head; never embeddings, \
            norms, biases, MoE experts or routers) becomes bitsandbytes' NF4 round trip in the output dtype \
            (blocks of 64, scales double-quantized unless --no-double-quant), and the deltas are added to it \
            once. The output is an ordinary full-precision checkpoint; the option is part of the cache key.

            Every input blob is rehashed while the merge reads it; a corrupt one stops the build before anything \
            is committed. A cache hit compares each blob's size, mtime and inode with those recorded when the \
            artifact was built (no read); a changed blob is rehashed, and a corrupt one is dropped and rebuilt. \
            --verify rehashes every blob of a cached artifact before serving it.

            Examples:
              loom build llama-qv
              loom build llama-qv --dtype f32 --json
              loom build llama-qv --verify
              loom build --base llama-tiny --adapter llama-qv:0.7 \\
                  --adapter llama-qv-b:0.3 --dtype bf16
              loom build --base llama-tiny --adapter sql:1.0 --adapter chat:0.8 \\
                  --combine ties --density 0.5 --majority-sign frequency
              loom build --base llama-tiny --adapter sql --adapter chat \\
                  --combine dare_linear --density 0.5 --seed 7
              loom build --base llama-tiny --adapter sql-qlora --qlora nf4 --dtype bf16
            """)

    @Argument(help: "A recipe or adapter name (NAME or NAME@VERSION).")
    var name: String?

    @Option(help: ArgumentHelp("The base (NAME or NAME@VERSION); default: the adapters' registered base.", valueName: "name"))
    var base: String?

    @Option(name: .customLong("adapter"), help: ArgumentHelp("An adapter and its weight, NAME[@V][:WEIGHT]; repeat for several.", valueName: "name:weight"))
    var adapters: [String] = []

    @Option(help: ArgumentHelp("Output dtype: f32, f16 or bf16 (default: the base's).", valueName: "dtype"))
    var dtype: String?

    @OptionGroup var combination: CombineFlags

    @OptionGroup var quantization: QLoRAFlags

    @Flag(help: "On a cache hit, rehash every blob of the artifact before serving it (a corrupt one is rebuilt).")
    var verify = false

    @Flag(help: "Print {\"path\", \"key\", \"cached\", \"combine\", …} as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    /// `built sha256:… (f16, 2.3 MiB)`, for stderr: a result, so without the `loom:` prefix of errors and notes.
    static func statusLine(cached: Bool, key: String, dtype: String, size: Int64) -> String {
        "\(cached ? "cached" : "built") \(key) (\(dtype), \(Format.bytes(size)))"
    }

    func validate() throws {
        if name == nil && adapters.isEmpty { throw ValidationError("give a recipe or adapter NAME, or --adapter (with --base)") }
        if name != nil && (!adapters.isEmpty || base != nil) { throw ValidationError("give either NAME or --base/--adapter, not both") }
        if let dtype, ModelDType(parsing: dtype) == nil { throw ValidationError("--dtype must be f32, f16 or bf16, not \"\(dtype)\"") }
    }

    func run() throws {
        // Ctrl-C removes the partial blob and releases the lease (exit 130) instead of leaving them.
        InterruptHandler.install()
        try runReporting {
            let target: BuildRequest.Target
            if let name {
                target = .named(try Reference(parsing: name))
            } else {
                target = .explicit(
                    base: try base.map { (t) throws(RegistryError) in try Reference(parsing: t) },
                    adapters: try adapters.map { (t) throws(RegistryError) in try WeightedReference(parsing: t) })
            }
            let request = BuildRequest(
                target: target, dtype: dtype.flatMap(ModelDType.init(parsing:)), verify: verify, combine: try combination.combination(),
                qlora: try quantization.options())
            let result = try global.registry().build(request, progress: TerminalProgress())
            for note in result.notes { Terminal.error("loom: note: \(note)") }
            if json {
                Terminal.out(JSONWriter.canonical.string(BuildDocument.result(result)))
            } else {
                if Terminal.stderrIsTerminal {
                    Terminal.error(
                        Self.statusLine(cached: result.cached, key: result.artifact.key, dtype: result.artifact.dtype, size: result.artifact.totalSize))
                }
                Terminal.out(result.path)
            }
        }
    }
}
