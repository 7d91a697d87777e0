import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Testing

@testable import Registry

/// `adapter_config.json` values loom cannot merge faithfully are refused at `registerAdapter`, naming
/// the field, and leave the store as it was.
@Suite struct ConfigRefusalTests {
    /// One edit of llama-qv's config, and the field the refusal must name.
    struct Edit: CustomTestStringConvertible, Sendable {
        var label: String
        var field: String
        var value: JSONValue?

        var testDescription: String { label }
    }

    static let edits: [Edit] = [
        Edit(label: "r missing", field: "r", value: nil),
        Edit(label: "r null", field: "r", value: .null),
        Edit(label: "r = 0", field: "r", value: 0),
        Edit(label: "r negative", field: "r", value: -8),
        Edit(label: "r fractional", field: "r", value: .number("8.5")),
        Edit(label: "lora_alpha missing", field: "lora_alpha", value: nil),
        Edit(label: "lora_alpha negative", field: "lora_alpha", value: .number("-16")),
        Edit(label: "lora_alpha a string", field: "lora_alpha", value: "16"),
        Edit(label: "unknown peft_type", field: "peft_type", value: "LOHA"),
        Edit(label: "prompt tuning", field: "peft_type", value: "PROMPT_TUNING"),
        Edit(label: "peft_type missing", field: "peft_type", value: nil),
        Edit(label: "layer_replication", field: "layer_replication", value: [[0, 2], [1, 3]]),
        Edit(label: "use_dora not a bool", field: "use_dora", value: "yes"),
        Edit(label: "target_modules null", field: "target_modules", value: .null),
        Edit(label: "rank_pattern value 0", field: "rank_pattern", value: .object(["q_proj": 0])),
    ]

    @Test(arguments: edits)
    func anUnmergeableConfigIsRefusedNamingTheField(_ edit: Edit) throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let directory = try harness.editedAdapter("llama-qv", as: "edited") { $0[edit.field] = edit.value }
        let before = try harness.state()
        expectRegistryError(.invalid, mentioning: [edit.field, "adapter_config.json"]) {
            _ = try harness.registry.registerAdapter(directory: directory, name: "edited", base: nil)
        }
        #expect(try harness.state() == before)
    }

    @Test func anUnchangedCopyRegisters() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let directory = try harness.editedAdapter("llama-qv", as: "copy") { _ in }
        #expect(try harness.registry.registerAdapter(directory: directory, name: "copy", base: nil).created)
    }

    @Test func aDirectoryWithoutAConfigIsNotAnAdapter() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let directory = try harness.copyFixture("adapters/llama-qv", to: "no-config")
        try FileManager.default.removeItem(atPath: directory + "/adapter_config.json")
        expectRegistryError(.invalid, mentioning: ["adapter_config.json"]) {
            _ = try harness.registry.registerAdapter(directory: directory, name: "x", base: nil)
        }
        try Data("{\"peft_type\": \"LORA\",".utf8).write(to: URL(fileURLWithPath: directory + "/adapter_config.json"))
        expectRegistryError(.invalid, mentioning: ["adapter_config.json", "JSON"]) {
            _ = try harness.registry.registerAdapter(directory: directory, name: "x", base: nil)
        }
    }
}
