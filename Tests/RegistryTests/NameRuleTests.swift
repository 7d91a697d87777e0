import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Testing

@testable import Registry

/// README.md's naming rules ("Concepts"), as `base add` and `adapter add` apply them, and names unique across kinds.
@Suite struct NameRuleTests {
    /// Names the rule refuses, with a label for the test report.
    static let refused: [(label: String, name: String)] = [
        ("empty", ""),
        ("slash", "org/model"),
        ("colon", "model:1"),
        ("at sign", "model@x"),
        ("NUL", "model\u{0}evil"),
        ("newline", "model\nline"),
        ("10 kB", String(repeating: "n", count: 10_240)),
        ("leading dot", ".model"),
        ("leading dash", "-model"),
        ("leading underscore", "_model"),
        ("space", "my model"),
        ("quote", "x'--"),
        ("non-ASCII", "modèle"),
        ("129 characters", String(repeating: "a", count: 129)),
    ]

    @Test(arguments: refused.map(\.label))
    func aBadNameIsRefusedWithTheRule(_ label: String) throws {
        let name = try #require(Self.refused.first { $0.label == label }?.name)
        let harness = try RegistryHarness()
        let error = expectRegistryError(.invalid, mentioning: [Names.rule]) {
            try harness.addBase("llama-tiny", as: name)
        }
        if let error {
            #expect(error.message.utf8.count < 400, "the message repeats the whole name: \(error.message.utf8.count) bytes")
            #expect(!error.message.contains("\u{0}"))
        }
        expectRegistryError(.invalid, mentioning: [Names.rule]) {
            try harness.addAdapter("llama-qv", as: name, base: "llama-tiny")
        }
        #expect(try harness.state() == RegistryHarness.StoreState(bases: [], adapters: [], artifacts: [], blobs: [], ingest: []))
    }

    @Test func aNameOf128CharactersIsAllowed() throws {
        let harness = try RegistryHarness()
        let name = String(repeating: "a", count: 127) + "9"
        let registration = try harness.addBase("llama-tiny", as: name)
        #expect(registration.record.name == name)
        #expect(try harness.registry.list().bases.map(\.name) == [name])
    }

    @Test func referencesParseNameAndVersion() throws {
        #expect(try Reference(parsing: "llama-tiny") == Reference(name: "llama-tiny"))
        #expect(try Reference(parsing: "llama-tiny@12") == Reference(name: "llama-tiny", version: 12))
        for text in ["llama@0", "llama@", "llama@-1", "llama@+1", "llama@ 1", "llama@x", "llama@1.5", "llama@99999999999999999999"] {
            expectRegistryError(.invalid, mentioning: ["version"]) { _ = try Reference(parsing: text) }
        }
        for text in ["@3", "a/b@3", "a@1@2", ".x@1"] {
            expectRegistryError(.invalid, mentioning: [Names.rule]) { _ = try Reference(parsing: text) }
        }
    }

    /// Characters that mean something to SQL (`_` and `%`-like wildcards, `--` comments, `.`) are
    /// stored and looked up literally.
    @Test func namesAreStoredAndFoundLiterally() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny", as: "a-b.c_d")
        try harness.addAdapter("llama-qv", as: "a_b", base: "a-b.c_d")
        try harness.addAdapter("llama-qv-b", as: "aXb", base: "a-b.c_d")
        try harness.addAdapter("llama-dora", as: "x--y", base: "a-b.c_d")
        let listing = try harness.registry.list()
        #expect(listing.bases.map(\.name) == ["a-b.c_d"])
        #expect(Set(listing.adapters.map(\.name)) == ["a_b", "aXb", "x--y"])
        #expect(listing.adapters.allSatisfy { $0.baseName == "a-b.c_d" })
        guard case .adapter(let underscore, _) = try harness.registry.show("a_b"),
            case .adapter(let letter, _) = try harness.registry.show("aXb")
        else {
            Issue.record("show did not find the adapters")
            return
        }
        #expect(underscore.name == "a_b" && letter.name == "aXb")
        #expect(underscore.manifestDigest != letter.manifestDigest)
        expectRegistryError(.notFound) { _ = try harness.registry.show("a-b.c-d") }
        expectRegistryError(.notFound) { _ = try harness.registry.show("aYb") }
    }

    @Test func anAdapterCannotTakeABasesName() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let before = try harness.state()
        expectRegistryError(.conflict, mentioning: ["llama-tiny"]) {
            try harness.addAdapter("llama-qv", as: "llama-tiny", base: "llama-tiny")
        }
        #expect(try harness.state() == before)
    }

    @Test func aBaseCannotTakeAnAdaptersName() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        let before = try harness.state()
        expectRegistryError(.conflict, mentioning: ["llama-qv"]) {
            try harness.addBase("gpt2-tiny", as: "llama-qv")
        }
        #expect(try harness.state() == before)
    }
}

@Suite struct WeightParsingTests {
    @Test(arguments: ["a:0.7", "a:1", "a:-0.5", "a:+2", "a:.25", "a:1e-3", "a:3.", "a@2:0.5"])
    func decimalWeightsAreAccepted(_ text: String) throws {
        _ = try WeightedReference(parsing: text)
    }

    @Test(arguments: ["a:0x10", "a:nan", "a:inf", "a:", "a:1e400", "a:1,5", "a: 1", "a:1e"])
    func otherWeightsAreRefused(_ text: String) {
        #expect(throws: RegistryError.self) { _ = try WeightedReference(parsing: text) }
    }

    @Test func weightsAreRead() throws {
        #expect(try WeightedReference(parsing: "sql@3:-0.25") == WeightedReference(reference: Reference(name: "sql", version: 3), weight: -0.25))
    }
}
