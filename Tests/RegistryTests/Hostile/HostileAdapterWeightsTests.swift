import Foundation
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// Well-formed safetensors that are wrong as an adapter for llama-tiny (a factor missing, a non-float
/// or non-finite tensor, keys of another method or model, pickles and shards instead of the file PEFT
/// writes): refused naming the file and the tensor key, nothing stored.
@Suite struct HostileAdapterWeightsTests {
    /// Rewrites llama-qv's tensors with `edit`, then expects a refusal naming the weights file and `parts`.
    @discardableResult
    func refuseTensors(
        _ name: String, mentioning parts: [String], sourceLocation: SourceLocation = #_sourceLocation,
        _ edit: (inout [Crafted.Tensor]) throws -> Void
    ) throws -> RegistryError? {
        let store = try HostileStore()
        let directory = try store.adapterWithTensors(in: name, edit)
        return try store.refuseAdapter(directory, mentioning: ["\(name)/adapter_model.safetensors"] + parts, sourceLocation: sourceLocation)
    }

    /// The index of the tensor named `name`.
    func position(_ name: String, in tensors: [Crafted.Tensor]) throws -> Int {
        try #require(tensors.firstIndex { $0.name == name }, "llama-qv has no \(name)")
    }

    // MARK: - Factors

    @Test func loraAWithoutItsLoraBIsRefused() throws {
        try refuseTensors("no-b", mentioning: ["module model.layers.0.self_attn.q_proj", "\"\(Crafted.qA)\"", "no lora_B"]) { tensors in
            tensors.remove(at: try position(Crafted.qB, in: tensors))
        }
    }

    @Test func loraBWithoutItsLoraAIsRefused() throws {
        try refuseTensors("no-a", mentioning: ["module model.layers.0.self_attn.q_proj", "\"\(Crafted.qB)\"", "no lora_A"]) { tensors in
            tensors.remove(at: try position(Crafted.qA, in: tensors))
        }
    }

    @Test func adapterFileWithoutTensorsIsRefused() throws {
        let store = try HostileStore()
        let directory = try store.adapterWithWeights(Crafted.file(json: "{}"), in: "empty")
        try store.refuseAdapter(directory, mentioning: ["empty/adapter_model.safetensors", "holds no tensors"])
    }

    // MARK: - Values

    @Test func nanInAnAdapterTensorIsRefused() throws {
        try refuseTensors("nan", mentioning: ["\"\(Crafted.qB)\"", "NaN or Inf", "element 5"]) { tensors in
            Crafted.poke(&tensors[try position(Crafted.qB, in: tensors)], index: 5, bits: 0x7FC0_0000)
        }
    }

    @Test func infinityInAnAdapterTensorIsRefused() throws {
        try refuseTensors("inf", mentioning: ["\"\(Crafted.vA)\"", "NaN or Inf", "element 511"]) { tensors in
            Crafted.poke(&tensors[try position(Crafted.vA, in: tensors)], index: 511, bits: 0x7F80_0000)
        }
    }

    @Test func negativeInfinityInAnF16AdapterTensorIsRefused() throws {
        try refuseTensors("f16-inf", mentioning: ["\"\(Crafted.qA)\"", "NaN or Inf", "element 7"]) { tensors in
            var a: Crafted.Tensor = (Crafted.qA, .f16, [8, 64], [UInt8](repeating: 0, count: 8 * 64 * 2))
            Crafted.poke(&a, index: 7, bits: 0xFC00)
            tensors[try position(Crafted.qA, in: tensors)] = a
        }
    }

    @Test func nanInABF16AdapterTensorIsRefused() throws {
        let store = try HostileStore()
        let directory = try store.adapterWithTensors(in: "bf16-nan", of: "llama-qv-bf16-weights") { tensors in
            let last = try #require(tensors.indices.last)
            #expect(tensors[last].dtype == .bf16)
            Crafted.poke(&tensors[last], index: 0, bits: 0xFFC1)
        }
        let tensors = try Crafted.tensors(of: directory + "/adapter_model.safetensors")
        try store.refuseAdapter(directory, mentioning: ["bf16-nan/adapter_model.safetensors", "\"\(tensors.last?.name ?? "?")\"", "NaN or Inf", "element 0"])
    }

    @Test func infinityInAnF64AdapterTensorIsRefused() throws {
        try refuseTensors("f64-inf", mentioning: ["\"\(Crafted.qA)\"", "NaN or Inf", "element 100"]) { tensors in
            var a: Crafted.Tensor = (Crafted.qA, .f64, [8, 64], [UInt8](repeating: 0, count: 8 * 64 * 8))
            Crafted.poke(&a, index: 100, bits: 0x7FF0_0000_0000_0000)
            tensors[try position(Crafted.qA, in: tensors)] = a
        }
    }

    @Test func anI64AdapterTensorIsRefused() throws {
        try refuseTensors("i64", mentioning: ["\"\(Crafted.qA)\"", "dtype I64", "F32, BF16, F16 or F64"]) { tensors in
            tensors[try position(Crafted.qA, in: tensors)] = (Crafted.qA, .i64, [8, 64], [UInt8](repeating: 0, count: 8 * 64 * 8))
        }
    }

    @Test func anF8AdapterTensorIsRefused() throws {
        try refuseTensors("f8", mentioning: ["\"\(Crafted.qA)\"", "dtype F8_E4M3"]) { tensors in
            tensors[try position(Crafted.qA, in: tensors)] = (Crafted.qA, .f8E4M3, [8, 64], [UInt8](repeating: 0, count: 8 * 64))
        }
    }

    // MARK: - Keys

    @Test func aKeyWithoutThePEFTPrefixIsRefused() throws {
        let bare = String(Crafted.qA.dropFirst("base_model.model.".count))
        try refuseTensors("bare", mentioning: ["\"\(bare)\"", "does not start with \"base_model.model.\""]) { tensors in
            tensors[try position(Crafted.qA, in: tensors)].name = bare
        }
    }

    @Test func aKeyOfAnotherMethodIsRefused() throws {
        let loha = "base_model.model.model.layers.0.self_attn.q_proj.hada_w1_a"
        try refuseTensors("loha", mentioning: ["\"\(loha)\"", "not a LoRA, DoRA or IA3 tensor"]) { tensors in
            tensors.append((loha, .f32, [8, 64], [UInt8](repeating: 0, count: 2048)))
        }
    }

    @Test func aKeyWithControlCharactersIsRefusedOnOneLine() throws {
        let evil = "base_model.model.model.layers.0.self_attn.q_proj\n.lora_A.weight"
        try refuseTensors("newline", mentioning: [#""base_model.model.model.layers.0.self_attn.q_proj\n.lora_A.weight""#, "not accounted for"]) { tensors in
            tensors.append((evil, .f32, [8, 64], [UInt8](repeating: 0, count: 2048)))
        }
    }

    @Test func aHugeKeyIsRefusedWithAShortMessage() throws {
        let huge = "base_model.model." + String(repeating: "x", count: 100_000) + ".lora_A.weight"
        let error = try refuseTensors("huge-key", mentioning: ["base_model.model.xxxx", "not accounted for"]) { tensors in
            tensors.append((huge, .f32, [8, 64], [UInt8](repeating: 0, count: 2048)))
        }
        #expect((error?.message.utf8.count ?? 0) < 2000, "the message repeats the key: \(error?.message.utf8.count ?? 0) bytes")
    }

    // MARK: - Files other than adapter_model.safetensors

    @Test func binOnlyAdapterIsRefused() throws {
        let store = try HostileStore()
        let directory = try store.adapterCopy("pickle")
        try FileManager.default.removeItem(atPath: directory + "/adapter_model.safetensors")
        // A pickle that would run `os.system` if anything unpickled it.
        try store.write(Array("cos\nsystem\n(S'touch /tmp/loom-pwned'\ntR.".utf8), to: directory + "/adapter_model.bin")
        try store.refuseAdapter(directory, mentioning: ["pickle holds only adapter_model.bin", "never unpickles", "safe_serialization=True"])
        #expect(!FileManager.default.fileExists(atPath: "/tmp/loom-pwned"))
    }

    @Test func shardedAdapterOnlyIsRefused() throws {
        let store = try HostileStore()
        let directory = try store.adapterCopy("sharded")
        let shard = "adapter_model-00001-of-00002.safetensors"
        try FileManager.default.moveItem(atPath: directory + "/adapter_model.safetensors", toPath: directory + "/" + shard)
        try store.refuseAdapter(directory, mentioning: ["sharded", shard, "save it unsharded"])
    }

    @Test func adapterWithoutWeightsIsRefused() throws {
        let store = try HostileStore()
        let directory = try store.adapterCopy("no-weights")
        try FileManager.default.removeItem(atPath: directory + "/adapter_model.safetensors")
        try store.refuseAdapter(directory, mentioning: ["no-weights has no adapter_model.safetensors"])
    }
}
