import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// Tokenizer and chat-template files an adapter ships are registered with it (in its manifest and
/// digest) and replace the base's in what it builds; an adapter that resizes only lm_head is refused.
@Suite struct ShippedFilesTests {
    static let tokenizer = #"{"version":"1.0","added_tokens":[{"id":256,"content":"<sql>"}]}"#
    static let template = "{% for m in messages %}{{ m.content }}{% endfor %}\n"

    /// A copy of fixture adapter llama-qv with tokenizer files written beside it.
    func adapterWithTokenizer(_ harness: RegistryHarness, as copy: String = "qv-tok", tokenizer: String = tokenizer) throws -> String {
        let dir = try harness.copyFixture("adapters/llama-qv", to: copy)
        try Data(tokenizer.utf8).write(to: URL(fileURLWithPath: dir + "/tokenizer.json"))
        try Data(#"{"model_max_length":64}"#.utf8).write(to: URL(fileURLWithPath: dir + "/tokenizer_config.json"))
        try Data(Self.template.utf8).write(to: URL(fileURLWithPath: dir + "/chat_template.jinja"))
        try Data("not shipped".utf8).write(to: URL(fileURLWithPath: dir + "/training_args.txt"))
        return dir
    }

    func build(_ harness: RegistryHarness, _ name: String) throws -> BuildResult {
        try harness.registry.build(BuildRequest(target: .named(Reference(name: name))))
    }

    @Test func shippedFilesArePartOfTheAdapterAndItsDigest() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let plain = try harness.addAdapter("llama-qv", as: "plain")
        let shipped = try harness.registry.registerAdapter(directory: try adapterWithTokenizer(harness), name: "sql", base: nil)
        let catalog = try #require(try harness.registry.existingCatalog())
        let paths = try catalog.adapterFiles(adapterID: shipped.record.id).map(\.path)
        #expect(paths == ["adapter_config.json", "adapter_model.safetensors", "chat_template.jinja", "tokenizer.json", "tokenizer_config.json"])
        #expect(shipped.record.manifestDigest != plain.record.manifestDigest)
        #expect(try catalog.adapterFiles(adapterID: plain.record.id).count == 2)  // an adapter without them is unchanged
        #expect(shipped.notes.contains { $0.contains("tokenizer.json") && $0.contains("instead of the base's") })
    }

    @Test func aBuildUsesTheAdaptersTokenizerAndSaysSo() throws {
        let harness = try RegistryHarness()
        // A base with a tokenizer of its own, which the adapter's replaces.
        let base = try harness.copyFixture("bases/llama-tiny", to: "llama-tiny")
        try Data(#"{"version":"1.0","added_tokens":[]}"#.utf8).write(to: URL(fileURLWithPath: base + "/tokenizer.json"))
        _ = try harness.registry.registerBase(directory: base, name: "llama-tiny")
        try harness.addAdapter("llama-qv", as: "plain")
        _ = try harness.registry.registerAdapter(directory: try adapterWithTokenizer(harness), name: "sql", base: nil)
        let plain = try build(harness, "plain")
        let sql = try build(harness, "sql")
        #expect(plain.artifact.key != sql.artifact.key)
        #expect(try String(contentsOfFile: sql.path + "/tokenizer.json", encoding: .utf8) == Self.tokenizer)
        #expect(try String(contentsOfFile: sql.path + "/chat_template.jinja", encoding: .utf8) == Self.template)
        #expect(try String(contentsOfFile: plain.path + "/tokenizer.json", encoding: .utf8).contains(#""added_tokens":[]"#))
        #expect(!FileManager.default.fileExists(atPath: sql.path + "/training_args.txt"))
        #expect(sql.notes.contains("tokenizer.json from adapter sql@1 replaces the base's"))
        #expect(sql.notes.contains("chat_template.jinja, tokenizer_config.json from adapter sql@1 (the base has none)"))
    }

    @Test func twoAdaptersShippingDifferentTokenizersAreRefused() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        _ = try harness.registry.registerAdapter(directory: try adapterWithTokenizer(harness), name: "a", base: nil)
        let other = try adapterWithTokenizer(harness, as: "qv-tok-2", tokenizer: #"{"version":"1.0"}"#)
        _ = try harness.registry.registerAdapter(directory: other, name: "b", base: nil)
        expectRegistryError(.invalid, mentioning: ["a@1", "b@1", "tokenizer.json"]) {
            _ = try harness.registry.build(BuildRequest(target: .explicit(
                base: nil, adapters: [WeightedReference(reference: Reference(name: "a"), weight: 0.5), WeightedReference(reference: Reference(name: "b"), weight: 0.5)])))
        }
    }

    @Test func aShippedJSONFileThatIsNotJSONIsRefusedLeavingNothing() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let dir = try adapterWithTokenizer(harness, tokenizer: "{not json")
        let before = try harness.state()
        expectRegistryError(.invalid, mentioning: ["tokenizer.json"]) {
            _ = try harness.registry.registerAdapter(directory: dir, name: "sql", base: nil)
        }
        #expect(try harness.state() == before)
    }

    /// llama-mts (modules_to_save: lm_head) with its lm_head resized to `rows`, and the embedding too when
    /// `embedding` is set.
    func resizedAdapter(_ harness: RegistryHarness, as copy: String, rows: Int, embedding: Bool) throws -> String {
        let dir = try harness.copyFixture("adapters/llama-mts", to: copy)
        let file = try SafetensorsFile(path: dir + "/adapter_model.safetensors")
        var tensors: [(name: String, dtype: DType, shape: [Int], bytes: [UInt8])] = file.header.tensors.map { t in
            (t.name, t.dtype, t.shape, Array(file.bytes(of: t)))
        }
        file.close()
        let resized = SyntheticAdapter.random("", [rows, 64], seed: 7).values.withUnsafeBytes { Array($0) }
        let head = try #require(tensors.firstIndex { $0.name == "base_model.model.lm_head.weight" })
        tensors[head] = (tensors[head].name, .f32, [rows, 64], resized)
        if embedding {
            tensors.append(("base_model.model.model.embed_tokens.weight", .f32, [rows, 64], resized))
            try harness.editJSON(dir + "/adapter_config.json") { $0["modules_to_save"] = .array([.string("embed_tokens"), .string("lm_head")]) }
        }
        _ = try SafetensorsLayout.write(to: dir + "/adapter_model.safetensors", tensors: tensors, metadata: [(key: "format", value: "pt")])
        return dir
    }

    @Test func anAdapterResizingOnlyLmHeadIsRefusedNamingBothShapes() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let before = try harness.state()
        let headOnly = try resizedAdapter(harness, as: "head-only", rows: 260, embedding: false)
        expectRegistryError(.invalid, mentioning: ["lm_head", "[260, 64]", "[256, 64]", "embed_tokens", "ignore_mismatched_sizes"]) {
            _ = try harness.registry.registerAdapter(directory: headOnly, name: "big", base: nil)
        }
        #expect(try harness.state() == before)

        let both = try resizedAdapter(harness, as: "both", rows: 260, embedding: true)
        let registration = try harness.registry.registerAdapter(directory: both, name: "big", base: nil)
        #expect(registration.notes.contains { $0.contains("resized vocabulary") })
        #expect(registration.notes.contains { $0.contains("no tokenizer files") }, "\(registration.notes)")
    }
}
