import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

/// `loom adapter extract` refusals, one by one, and what it does with changed tensors no LoRA expresses.
/// Every refusal leaves no adapter behind.
@Suite struct ExtractRefusalTests {
    typealias Tensor = (name: String, dtype: DType, shape: [Int], bytes: [UInt8])

    static let base = "llama-q"
    static let tuned = Fixtures.v2Path("tuned/llama-q-tuned")

    /// A copy of the tuned fixture with its tensors edited by `edit`, in the store's temporary directory.
    static func tunedCopy(_ store: CLIStore, _ name: String, edit: (inout [Tensor]) -> Void) throws -> String {
        let dir = store.directory.file(name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: false)
        for file in ["config.json", "generation_config.json"] {
            try FileManager.default.copyItem(atPath: tuned + "/" + file, toPath: dir + "/" + file)
        }
        let file = try SafetensorsFile(path: tuned + "/model.safetensors")
        defer { file.close() }
        var tensors: [Tensor] = file.header.tensors.map { ($0.name, $0.dtype, $0.shape, [UInt8](file.bytes(of: $0))) }
        edit(&tensors)
        try SafetensorsLayout.write(to: dir + "/model.safetensors", tensors: tensors, metadata: [("format", "pt")])
        return dir
    }

    static func prepared() throws -> CLIStore {
        let store = try CLIStore()
        try store.ok("base", "add", Fixtures.v2Path("bases/" + base), "--name", base)
        return store
    }

    func extract(_ store: CLIStore, tuned: String = ExtractRefusalTests.tuned, name: String = "ft", _ extra: String...) throws -> LoomRun {
        try store.loom(["adapter", "extract", "--base", Self.base, "--tuned", tuned, "--rank", "4", "--name", name] + extra)
    }

    func expectNoAdapter(_ store: CLIStore, _ sourceLocation: SourceLocation = #_sourceLocation) throws {
        let shown = try store.loom("show", "ft")
        #expect(shown.status == 2, "\(shown)", sourceLocation: sourceLocation)
    }

    @Test func rankBelowOneIsRefused() throws {
        let store = try Self.prepared()
        for rank in ["0", "-3"] {
            let run = try store.loom(["adapter", "extract", "--base", Self.base, "--tuned", Self.tuned, "--rank=\(rank)", "--name", "ft"])
            #expect(run.status == 64 && run.stderr.contains("--rank must be at least 1"), "\(run)")
        }
        try expectNoAdapter(store)
    }

    @Test func missingBaseIsRefused() throws {
        let store = try Self.prepared()
        let run = try store.loom(["adapter", "extract", "--base", "nope", "--tuned", Self.tuned, "--rank", "4", "--name", "ft"])
        #expect(run.status == 2 && run.stderr.contains("base nope is not registered"), "\(run)")
        try expectNoAdapter(store)
    }

    @Test func takenNameIsRefused() throws {
        let store = try Self.prepared()
        try extract(store).succeeded()
        let again = try extract(store)
        #expect(again.status == 4 && again.stderr.contains("adapter \"ft\" already exists"), "\(again)")
        let baseName = try extract(store, name: Self.base)
        #expect(baseName.status == 4 && baseName.stderr.contains("already a base"), "\(baseName)")
    }

    @Test func tunedIdenticalToTheBaseIsRefused() throws {
        let store = try Self.prepared()
        let run = try extract(store, tuned: Fixtures.v2Path("bases/" + Self.base))
        #expect(run.status == 3 && run.stderr.contains("does not differ"), "\(run)")
        try expectNoAdapter(store)
    }

    @Test func mismatchedShapeIsRefusedNamingTheTensor() throws {
        let store = try Self.prepared()
        let dir = try Self.tunedCopy(store, "reshaped") { tensors in
            let i = tensors.firstIndex { $0.name == "model.layers.1.self_attn.o_proj.weight" }!
            tensors[i].shape = [40, 160]
        }
        let run = try extract(store, tuned: dir)
        #expect(run.status == 3 && run.stderr.contains("\"model.layers.1.self_attn.o_proj.weight\" is BF16 [40, 160] but BF16 [80, 80]"), "\(run)")
        try expectNoAdapter(store)
    }

    @Test func mismatchedDTypeIsRefusedNamingTheTensor() throws {
        let store = try Self.prepared()
        let dir = try Self.tunedCopy(store, "retyped") { tensors in
            let i = tensors.firstIndex { $0.name == "model.norm.weight" }!
            tensors[i].dtype = .f16
        }
        let run = try extract(store, tuned: dir)
        #expect(run.status == 3 && run.stderr.contains("\"model.norm.weight\" is F16"), "\(run)")
    }

    @Test func missingAndExtraTensorsAreRefused() throws {
        let store = try Self.prepared()
        let missing = try Self.tunedCopy(store, "missing") { $0.removeAll { $0.name == "model.layers.0.mlp.up_proj.weight" } }
        let run = try extract(store, tuned: missing)
        #expect(run.status == 3 && run.stderr.contains("no tensor \"model.layers.0.mlp.up_proj.weight\""), "\(run)")
        let extra = try Self.tunedCopy(store, "extra") { $0.append(("model.extra.weight", .bf16, [2], [0, 0, 0, 0])) }
        let run2 = try extract(store, tuned: extra)
        #expect(run2.status == 3 && run2.stderr.contains("\"model.extra.weight\" is not in base"), "\(run2)")
        try expectNoAdapter(store)
    }

    @Test func nonFiniteChangeIsRefused() throws {
        let store = try Self.prepared()
        let dir = try Self.tunedCopy(store, "nan") { tensors in
            let i = tensors.firstIndex { $0.name == "model.layers.0.self_attn.q_proj.weight" }!
            tensors[i].bytes[0] = 0xC0
            tensors[i].bytes[1] = 0x7F
        }
        let run = try extract(store, tuned: dir)
        #expect(run.status == 3 && run.stderr.contains("q_proj.weight\" holds NaN or Inf"), "\(run)")
        try expectNoAdapter(store)
    }

    @Test func directoryRefusedAsABaseIsRefused() throws {
        let store = try Self.prepared()
        let empty = store.directory.file("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: false)
        let run = try extract(store, tuned: empty)
        #expect(run.status == 3 && run.stderr.contains("has no .safetensors weights"), "\(run)")
    }

    /// A changed norm is saved whole (modules_to_save), or left out with --skip-undecomposable; when only
    /// such tensors changed, --skip-undecomposable leaves nothing and is refused.
    @Test func undecomposableChangesAreSavedWholeOrSkipped() throws {
        let store = try Self.prepared()
        let dir = try Self.tunedCopy(store, "norm") { tensors in
            let i = tensors.firstIndex { $0.name == "model.norm.weight" }!
            tensors[i].bytes[0] ^= 1
        }
        let saved = try extract(store, tuned: dir, "--json")
        let doc = try saved.json()
        #expect(doc["saved_whole"] == .array(["model.norm.weight"]), "\(saved)")
        let config = try #require(try store.json("show", "ft")["config"])
        #expect(config["modules_to_save"] == .array(["model.norm"]))
        let skipped = try extract(store, tuned: dir, name: "ft2", "--skip-undecomposable", "--json")
        #expect(try skipped.json()["skipped"] == .array(["model.norm.weight"]), "\(skipped)")
        #expect(skipped.stderr.contains("--skip-undecomposable"), "\(skipped)")
        #expect(try store.json("show", "ft2")["config"]?["modules_to_save"] == .null)

        let onlyNorm = try Self.tunedCopy(store, "only-norm") { tensors in
            let base = try! SafetensorsFile(path: Fixtures.v2Path("bases/\(Self.base)/model.safetensors"))
            defer { base.close() }
            for i in tensors.indices { tensors[i].bytes = [UInt8](base.bytes(named: tensors[i].name)!) }
            let n = tensors.firstIndex { $0.name == "model.norm.weight" }!
            tensors[n].bytes[0] ^= 1
        }
        let refused = try extract(store, tuned: onlyNorm, name: "ft3", "--skip-undecomposable")
        #expect(refused.status == 3 && refused.stderr.contains("only tensors no LoRA can express"), "\(refused)")
    }
}
