import Testing

@testable import Merge

@Suite struct AdapterConfigTests {
    func parse(_ json: String) throws(MergeError) -> AdapterConfig { try AdapterConfig.parse(Array(json.utf8)) }

    func refusal(_ json: String) -> MergeError? {
        do {
            _ = try parse(json)
            return nil
        } catch { return error }
    }

    @Test func floatAlphaAndFlagsAreRead() throws {
        let c = try parse(#"{"peft_type": "LORA", "r": 16, "lora_alpha": 22.627416997969522, "use_rslora": true, "use_dora": true, "target_modules": ["q_proj"]}"#)
        #expect(c.r == 16)
        #expect(c.loraAlpha == 22.627416997969522)
        #expect(c.useRslora && c.useDora)
        #expect(c.targetModules == .names(["q_proj"]))
    }

    @Test(arguments: [
        (#"{"peft_type": "LORA", "lora_alpha": 16, "target_modules": ["q"]}"#, "r is missing"),
        (#"{"peft_type": "LORA", "r": 8, "target_modules": ["q"]}"#, "lora_alpha is missing"),
        (#"{"peft_type": "LORA", "r": 0, "lora_alpha": 16, "target_modules": ["q"]}"#, "r must be a positive integer"),
        (#"{"peft_type": "LORA", "r": 8, "lora_alpha": -1, "target_modules": ["q"]}"#, "lora_alpha must be a non-negative"),
        (#"{"peft_type": "PREFIX_TUNING", "num_virtual_tokens": 20}"#, "prompt-learning"),
        (#"{"peft_type": "ADALORA", "r": 8, "lora_alpha": 8, "target_modules": ["q"]}"#, "ADALORA"),
        (#"{"peft_type": "LOHA", "r": 8, "target_modules": ["q"]}"#, "LOHA is not supported"),
        (#"{"r": 8, "lora_alpha": 16}"#, "peft_type is missing"),
        (#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q"], "layer_replication": [[0, 2]]}"#, "layer_replication"),
        (#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q"], "target_parameters": ["experts.w"]}"#, "target_parameters"),
        (#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q"], "init_lora_weights": "pissa_niter_4"}"#, "pissa_niter_4"),
        (#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q"], "init_lora_weights": "olora"}"#, "olora"),
        (#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q"], "alora_invocation_tokens": [1, 2]}"#, "alora_invocation_tokens"),
        (#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": null}"#, "target_modules is null"),
        (#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q"], "use_dora": true, "lora_bias": true}"#, "use_dora and lora_bias"),
        (#"{"peft_type": "LORA", "r": 8, "lora_alpha": 16, "target_modules": ["q"], "bias": "some"}"#, "bias must be"),
        (#"[1, 2]"#, "not a JSON object"),
        (#"{"peft_type": "LORA", "#, "not valid JSON"),
    ])
    func unmergeableConfigsAreRefusedNamingTheField(json: String, expected: String) {
        let error = refusal(json)
        #expect(error != nil)
        #expect(error?.message.contains(expected) == true, "\(error?.message ?? "accepted")")
    }

    @Test func patternsKeepFileOrder() throws {
        let c = try parse(#"{"peft_type": "LORA", "r": 8, "lora_alpha": 8, "target_modules": ["q"], "rank_pattern": {"z": 1, "a": 2, "m": 3}}"#)
        #expect(c.rankPattern.map(\.pattern) == ["z", "a", "m"])
    }
}
