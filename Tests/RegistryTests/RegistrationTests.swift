import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// The fixture directories under `Tests/Fixtures/peft/<kind>/`, found on disk so that a new fixture is tested too.
enum FixtureNames {
    static func list(_ kind: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.path(kind))) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".")
                && FileManager.default.fileExists(atPath: Fixtures.path("\(kind)/\(name)"), isDirectory: &isDirectory)
                && isDirectory.boolValue
        }.sorted()
    }

    static let bases = list("bases")
    static let adapters = list("adapters")
}

/// Every fixture base and adapter registers, and `show` reports what the fixture's own files say.
@Suite struct RegistrationTests {
    @Test func theFixturesAreFound() {
        #expect(FixtureNames.bases.count >= 2)
        #expect(FixtureNames.adapters.count >= 9)
    }

    @Test(arguments: FixtureNames.bases)
    func everyFixtureBaseRegistersAndShowsWhatItsFilesSay(_ name: String) throws {
        let harness = try RegistryHarness()
        let directory = Fixtures.path("bases/\(name)")
        let registration = try harness.addBase(name)
        #expect(registration.created)
        #expect(registration.record.version == 1)

        guard case .base(let record, let files, let tensorCount, let adapters) = try harness.registry.show(name) else {
            Issue.record("show \(name) is not a base")
            return
        }
        let config = try readJSONObject(directory + "/config.json")
        #expect(record.architecture == config["architectures"]?.arrayValue?.first?.stringValue)
        #expect(record.modelType == config["model_type"]?.stringValue)
        #expect(record.tieWordEmbeddings == (config["tie_word_embeddings"]?.boolValue ?? true))
        let header = try SafetensorsFile.readHeader(atPath: directory + "/model.safetensors")
        #expect(tensorCount == header.tensors.count)
        #expect(record.parameterCount == Int64(header.tensors.reduce(0) { $0 + $1.elementCount }))
        #expect(Set(header.tensors.map { $0.dtype.rawValue.lowercased() }) == [record.dtype])
        #expect(adapters.isEmpty)

        let onDisk = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files.map(\.path).sorted() == onDisk)
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file.path))
            #expect(file.digest == Digest(hashing: bytes).description, "\(file.path)")
            #expect(file.size == Int64(bytes.count), "\(file.path)")
        }
        #expect(record.totalSize == files.reduce(0) { $0 + $1.size })
    }

    @Test(arguments: FixtureNames.adapters)
    func everyFixtureAdapterRegistersAndShowsItsConfig(_ name: String) throws {
        let harness = try RegistryHarness()
        let directory = Fixtures.path("adapters/\(name)")
        let config = try readJSONObject(directory + "/adapter_config.json")
        let baseName = try #require(config["base_model_name_or_path"]?.stringValue)
        try harness.addBase(baseName)
        let registration = try harness.addAdapter(name)
        #expect(registration.created)

        guard case .adapter(let record, let files) = try harness.registry.show(name) else {
            Issue.record("show \(name) is not an adapter")
            return
        }
        let r = config["r"]?.intValue
        let alpha = config["lora_alpha"]?.doubleValue
        let rslora = config["use_rslora"]?.boolValue ?? false
        let dora = config["use_dora"]?.boolValue ?? false
        #expect(record.peftType == config["peft_type"]?.stringValue)
        #expect(record.r == r)
        #expect(record.loraAlpha == alpha)
        #expect(record.useRslora == rslora)
        #expect(record.useDora == dora)
        #expect(record.targetModules == config["target_modules"])
        #expect(record.rankPattern == (config["rank_pattern"] ?? .object([:])))
        #expect(record.alphaPattern == (config["alpha_pattern"] ?? .object([:])))
        #expect(record.config == .object(config))
        #expect(record.baseName == baseName)

        #expect(files.map(\.path).sorted() == ["adapter_config.json", "adapter_model.safetensors"])
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file.path))
            #expect(file.digest == Digest(hashing: bytes).description, "\(file.path)")
        }

        // Every adapted module, with the rank and alpha its config gives it (patterns first).
        let header = try SafetensorsFile.readHeader(atPath: directory + "/adapter_model.safetensors")
        let expectedModules = Set(header.tensors.compactMap { Self.loraModule(ofKey: $0.name) })
        let modules = record.summary["modules"]?.arrayValue ?? []
        #expect(Set(modules.compactMap { $0["module"]?.stringValue }) == expectedModules)
        let rankPattern = config["rank_pattern"]?.objectValue ?? [:]
        let alphaPattern = config["alpha_pattern"]?.objectValue ?? [:]
        for module in modules {
            let path = try #require(module["module"]?.stringValue)
            let rank = Self.patternValue(rankPattern, path)?.intValue ?? r
            let moduleAlpha = Self.patternValue(alphaPattern, path)?.doubleValue ?? alpha
            #expect(module["rank"]?.intValue == rank, "\(path)")
            #expect(module["alpha"]?.doubleValue == moduleAlpha, "\(path)")
            #expect(module["dora"]?.boolValue == dora, "\(path)")
            if let rank, let moduleAlpha {
                let scaling = rslora ? moduleAlpha / Double(rank).squareRoot() : moduleAlpha / Double(rank)
                #expect(module["scaling"]?.doubleValue == scaling, "\(path)")
            }
        }

        guard case .base(_, _, _, let dependents) = try harness.registry.show(baseName) else {
            Issue.record("show \(baseName) is not a base")
            return
        }
        #expect(dependents.map(\.reference) == ["\(name)@1"])
    }

    /// The module a LoRA A factor belongs to (`base_model.model.X.lora_A.weight` → `X`), else nil.
    static func loraModule(ofKey key: String) -> String? {
        for suffix in [".lora_A.weight", ".lora_embedding_A"] where key.hasSuffix(suffix) {
            let module = key.dropLast(suffix.count)
            return String(module.hasPrefix("base_model.model.") ? module.dropFirst("base_model.model.".count) : module)
        }
        return nil
    }

    /// PEFT's pattern lookup for plain names: the first key that is the module or a dotted suffix of it.
    static func patternValue(_ pattern: JSONObject, _ module: String) -> JSONValue? {
        pattern.members.first { module == $0.key || module.hasSuffix("." + $0.key) }?.value
    }

    // MARK: - Idempotence and versions

    @Test func reAddingAnIdenticalBaseChangesNothing() throws {
        let harness = try RegistryHarness()
        let first = try harness.addBase("llama-tiny")
        let before = try harness.state()
        let events = try harness.events()
        let again = try harness.addBase("llama-tiny")
        #expect(!again.created)
        #expect(again.record == first.record)
        #expect(try harness.state() == before)
        #expect(try harness.events() == events)
    }

    @Test func reAddingAnIdenticalAdapterChangesNothing() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let first = try harness.addAdapter("llama-qv")
        let before = try harness.state()
        let events = try harness.events()
        let again = try harness.addAdapter("llama-qv")
        #expect(!again.created)
        #expect(again.record == first.record)
        #expect(try harness.state() == before)
        #expect(try harness.events() == events)
    }

    @Test func differentBaseContentUnderTheSameNameBecomesTheNextVersion() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let changed = try harness.copyFixture("bases/llama-tiny", to: "llama-tiny-v2")
        try harness.editJSON(changed + "/generation_config.json") { $0["max_length"] = .int(77) }
        let events = try harness.events().count
        let second = try harness.registry.registerBase(directory: changed, name: "llama-tiny")
        #expect(second.created)
        #expect(second.record.version == 2)
        #expect(try harness.events().count == events + 1)
        #expect(try harness.registry.list().bases.map(\.reference) == ["llama-tiny@1", "llama-tiny@2"])
        guard case .base(let latest, _, _, _) = try harness.registry.show("llama-tiny") else {
            Issue.record("show llama-tiny is not a base")
            return
        }
        #expect(latest.version == 2)
        // The first content again is still version 1, not a third version.
        let first = try harness.addBase("llama-tiny")
        #expect(!first.created && first.record.version == 1)
    }

    @Test func differentAdapterContentUnderTheSameNameBecomesTheNextVersion() throws {
        let harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        let first = try harness.addAdapter("llama-qv", as: "qv")
        let second = try harness.addAdapter("llama-qv-b", as: "qv")
        #expect(first.record.version == 1)
        #expect(second.created && second.record.version == 2)
        #expect(second.record.manifestDigest != first.record.manifestDigest)
        #expect(try harness.registry.list().adapters.map(\.reference) == ["qv@1", "qv@2"])
        guard case .adapter(let shownFirst, _) = try harness.registry.show("qv@1") else {
            Issue.record("show qv@1 is not an adapter")
            return
        }
        #expect(shownFirst == first.record)
    }
}
