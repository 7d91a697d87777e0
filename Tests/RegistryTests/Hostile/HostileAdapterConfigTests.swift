import Foundation
import LoomJSON
import LoomTesting
import Testing

@testable import Registry

/// `adapter_config.json` that is missing, not JSON, too deep, too large, or asks for something loom
/// cannot merge faithfully: refused naming the file and the field, nothing stored.
@Suite struct HostileAdapterConfigTests {
    /// A copy of llama-qv named `name` whose config is edited by `edit`, refused mentioning `parts`.
    @discardableResult
    func refuseEdited(
        _ name: String, _ kind: RegistryError.Kind = .invalid, mentioning parts: [String], base: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation, _ edit: (inout JSONObject) -> Void
    ) throws -> RegistryError? {
        let store = try HostileStore()
        let directory = try store.harness.editedAdapter("llama-qv", as: name, edit)
        return try store.refuseAdapter(directory, base: base, kind, mentioning: parts, sourceLocation: sourceLocation)
    }

    // MARK: - The file itself

    @Test func noAdapterConfigIsRefused() throws {
        let store = try HostileStore()
        let directory = try store.adapterCopy("no-config")
        try FileManager.default.removeItem(atPath: directory + "/adapter_config.json")
        try store.refuseAdapter(directory, mentioning: ["no-config has no adapter_config.json", "not a PEFT adapter"])
    }

    @Test func adapterConfigNotJSONIsRefused() throws {
        let store = try HostileStore()
        let directory = try store.adapterWithConfig(#"{"peft_type": "LORA", "r": 8,"#, in: "not-json")
        try store.refuseAdapter(directory, mentioning: ["not-json/adapter_config.json", "not valid JSON", "byte 29"])
    }

    @Test func adapterConfigThatIsAnArrayIsRefused() throws {
        let store = try HostileStore()
        let directory = try store.adapterWithConfig(#"[{"peft_type": "LORA"}]"#, in: "array")
        try store.refuseAdapter(directory, mentioning: ["array/adapter_config.json", "not a JSON object"])
    }

    @Test func adapterConfigDepthBombIsRefused() throws {
        let store = try HostileStore()
        let bomb = #"{"peft_type": "LORA", "x": "# + String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000) + "}"
        let directory = try store.adapterWithConfig(bomb, in: "bomb")
        try store.refuseAdapter(directory, mentioning: ["bomb/adapter_config.json", "nesting deeper than 16"])
    }

    @Test func adapterConfigOver64MiBIsRefused() throws {
        let store = try HostileStore()
        let directory = try store.adapterCopy("huge")
        // A sparse file: cheap to make, and loom must not read more than its limit of it.
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: directory + "/adapter_config.json"))
        try handle.truncate(atOffset: 70 << 20)
        try handle.close()
        try store.refuseAdapter(directory, mentioning: ["huge/adapter_config.json", "larger than 64 MiB"])
    }

    @Test func baseConfigOver64MiBIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("huge")
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: directory + "/config.json"))
        try handle.truncate(atOffset: (64 << 20) + 1)
        try handle.close()
        try store.refuseBase(directory, mentioning: ["huge/config.json", "larger than 64 MiB"])
    }

    @Test func baseConfigDepthBombIsRefused() throws {
        let store = try HostileStore(withBase: false)
        let directory = try store.baseCopy("bomb")
        let bomb = #"{"architectures": "# + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        try store.write(Array(bomb.utf8), to: directory + "/config.json")
        try store.refuseBase(directory, mentioning: ["bomb/config.json", "not valid JSON", "nesting"])
    }

    // MARK: - Fields PEFT would default

    @Test func loraConfigWithoutRIsRefused() throws {
        try refuseEdited("no-r", mentioning: ["no-r/adapter_config.json", "r is missing", "refuses to guess"]) { $0["r"] = nil }
    }

    @Test func loraConfigWithoutLoraAlphaIsRefused() throws {
        try refuseEdited("no-alpha", mentioning: ["no-alpha/adapter_config.json", "lora_alpha is missing", "refuses to guess"]) {
            $0["lora_alpha"] = nil
        }
    }

    @Test func rZeroIsRefused() throws {
        try refuseEdited("r-zero", mentioning: ["r-zero/adapter_config.json", "r must be a positive integer, got 0"]) { $0["r"] = 0 }
    }

    @Test func negativeAlphaIsRefused() throws {
        try refuseEdited("alpha-negative", mentioning: ["adapter_config.json", "lora_alpha must be a non-negative number, got -16"]) {
            $0["lora_alpha"] = .number("-16")
        }
    }

    @Test func aHugeValueIsClippedInTheMessage() throws {
        let store = try HostileStore()
        let zeros = Array(repeating: "0", count: 500_000).joined(separator: ",")
        let directory = try store.adapterWithConfig(#"{"peft_type": "LORA", "r": [\#(zeros)], "lora_alpha": 16}"#, in: "huge-r")
        let error = try store.refuseAdapter(directory, mentioning: ["huge-r/adapter_config.json", "r must be a positive integer"])
        #expect((error?.message.utf8.count ?? 0) < 1000, "the message repeats the value: \(error?.message.utf8.count ?? 0) bytes")
    }

    // MARK: - Unmergeable methods and variants

    @Test func unknownPeftTypeIsRefused() throws {
        try refuseEdited("loha", mentioning: ["adapter_config.json", "peft_type LOHA is not supported"]) { $0["peft_type"] = "LOHA" }
    }

    @Test func promptTuningIsRefused() throws {
        try refuseEdited("prompt", mentioning: ["adapter_config.json", "peft_type PROMPT_TUNING", "prompt-learning", "no weights"]) {
            $0["peft_type"] = "PROMPT_TUNING"
        }
    }

    @Test func prefixTuningIsRefused() throws {
        try refuseEdited("prefix", mentioning: ["adapter_config.json", "peft_type PREFIX_TUNING", "prompt-learning"]) {
            $0["peft_type"] = "PREFIX_TUNING"
        }
    }

    @Test func adaLoRAIsRefused() throws {
        try refuseEdited("adalora", mentioning: ["adapter_config.json", "peft_type ADALORA is not supported"]) { $0["peft_type"] = "ADALORA" }
    }

    @Test func peftTypeWithControlCharactersIsRefusedOnOneLine() throws {
        try refuseEdited("evil-type", mentioning: ["adapter_config.json", #"peft_type LO\nRA is not supported"#]) { $0["peft_type"] = "LO\nRA" }
    }

    @Test func layerReplicationIsRefused() throws {
        try refuseEdited("replicated", mentioning: ["replicated/adapter_config.json", "layer_replication is set", "PEFT itself refuses"]) {
            $0["layer_replication"] = [[0, 2], [1, 3]]
        }
    }

    @Test func targetModulesMatchingNothingIsRefused() throws {
        try refuseEdited("nothing", mentioning: ["nothing/adapter_config.json: target_modules [\"nothing_proj\"] selects no module of the base"]) {
            $0["target_modules"] = ["nothing_proj"]
        }
    }

    @Test func targetModulesRegexMatchingNothingIsRefused() throws {
        try refuseEdited("nothing-regex", mentioning: ["nothing-regex/adapter_config.json", #"target_modules ".*\\.nothing_proj" selects no module of the base"#]) {
            $0["target_modules"] = #".*\.nothing_proj"#
        }
    }

    @Test func targetModulesRegexThatDoesNotCompileIsRefused() throws {
        try refuseEdited("bad-regex", mentioning: ["bad-regex/adapter_config.json: target_modules regex \"(q_proj\" is refused: unbalanced '('"]) {
            $0["target_modules"] = "(q_proj"
        }
    }

    // MARK: - The base it names

    @Test func anUnregisteredBaseIsNotFound() throws {
        try refuseEdited("orphan", .notFound, mentioning: ["org/missing-model", "is no registered base's name, alias, Hugging Face id or path", "--base"]) {
            $0["base_model_name_or_path"] = "org/missing-model"
        }
    }

    @Test func anUnregisteredExplicitBaseIsNotFound() throws {
        try refuseEdited("explicit", .notFound, mentioning: ["base missing-base is not registered"], base: "missing-base") { _ in }
    }

    @Test func aBaseNameWithControlCharactersIsQuotedOnOneLine() throws {
        let long = String(repeating: "m", count: 10_000)
        let error = try refuseEdited("evil-base", .notFound, mentioning: ["evil\\u{a}base"]) {
            $0["base_model_name_or_path"] = .string("evil\nbase/" + long)
        }
        #expect((error?.message.utf8.count ?? 0) < 1000, "the message repeats the name: \(error?.message.utf8.count ?? 0) bytes")
    }
}
