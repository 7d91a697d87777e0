import Foundation
import LoomTesting
import Merge
import Testing

@testable import Registry

/// Adapters a non-linear combination cannot take, refused one by one through the Registry with a message
/// naming the adapter (the CLI's exit codes are in CombineCommandTests), and nothing written.
@Suite struct CombineRefusalTests {
    let temp: TemporaryDirectory
    let harness: RegistryHarness

    init() throws {
        temp = try TemporaryDirectory(prefix: "loom-combine")
        harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
    }

    private func expectRefused(_ adapter: String, naming what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try harness.state()
        for options in [
            try CombineOptions(method: .ties, density: 0.5), try CombineOptions(method: .magnitudePrune, density: 0.5),
            try CombineOptions(method: .dareLinear, density: 0.5, seed: 1), try CombineOptions(method: .dareTies, density: 1),
        ] {
            for inputs in [["llama-qv", adapter], [adapter]] {
                let request = BuildRequest(
                    target: .explicit(
                        base: Reference(name: "llama-tiny"), adapters: inputs.map { WeightedReference(reference: Reference(name: $0), weight: 1) }),
                    combine: options)
                do {
                    _ = try harness.registry.build(request)
                    Issue.record("\(adapter) was combined by \(options.summary)", sourceLocation: sourceLocation)
                } catch {
                    #expect(error.kind == .invalid, sourceLocation: sourceLocation)
                    #expect(error.message.contains("adapter \(adapter)@1 ") && error.message.contains(what), "\(error)", sourceLocation: sourceLocation)
                    #expect(error.message.contains("--combine \(options.method.rawValue)"), "\(error)", sourceLocation: sourceLocation)
                    #expect(!error.message.contains("\n"), sourceLocation: sourceLocation)
                }
            }
        }
        #expect(try harness.state() == before, sourceLocation: sourceLocation)
    }

    @Test func doraIsRefused() throws {
        try harness.addAdapter("llama-dora")
        try expectRefused("llama-dora", naming: "DoRA")
    }

    @Test func ia3IsRefused() throws {
        let k = SyntheticAdapter.random("base_model.model.model.layers.0.self_attn.k_proj.ia3_l", [32, 1], seed: 11, scale: 2)
        let config = #"{"peft_type": "IA3", "target_modules": ["layers.0.self_attn.k_proj"], "feedforward_modules": []}"#
        let dir = try SyntheticAdapter.write(in: temp, name: "ia3", config: config, tensors: [k])
        _ = try harness.registry.registerAdapter(directory: dir, name: "ia3", base: Reference(name: "llama-tiny"))
        try expectRefused("ia3", naming: "IA3")
    }

    @Test func fullReplacementIsRefused() throws {
        try harness.addAdapter("llama-mts")
        try expectRefused("llama-mts", naming: "replaces")
    }

    /// The same adapters build with --combine linear (the refusal is the method's, not the adapter's).
    @Test func linearStillTakesAFullReplacement() throws {
        try harness.addAdapter("llama-mts")
        _ = try harness.registry.build(BuildRequest(
            target: .explicit(base: Reference(name: "llama-tiny"), adapters: [WeightedReference(reference: Reference(name: "llama-mts"), weight: 1)]),
            combine: .linear))
    }
}
