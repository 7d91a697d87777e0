import LoomCore
import SQLiteCatalog
import LoomJSON
import Testing

@Suite struct BaseTests {
    @Test func firstRegistrationIsVersionOneWithFilesTensorsAndEvent() throws {
        let catalog = try Fixture.open(TestDirectory())
        let draft = Fixture.newBase("llama")
        let (base, created) = try catalog.registerBase(draft, files: Fixture.baseFiles("x"), tensors: Fixture.tensors())
        #expect(created)
        #expect(base.version == 1)
        #expect(base.name == "llama")
        #expect(base.manifestDigest == draft.manifestDigest)
        #expect(base.architecture == "LlamaForCausalLM")
        #expect(base.parameterCount == 64)
        #expect(base.tieWordEmbeddings == false)
        #expect(try catalog.baseFiles(baseID: base.id).map(\.path) == ["config.json", "model.safetensors"])
        #expect(try catalog.baseTensors(baseID: base.id).map(\.name) == ["embed.weight", "lm_head.weight"])
        #expect(try catalog.baseTensors(baseID: base.id).first?.shape == [8, 4])
        let events = try catalog.events()
        #expect(events.map(\.kind) == ["base.add"])
        #expect(events.first?.subject == "llama@1")
        #expect(events.first?.detail["manifest_digest"]?.stringValue == draft.manifestDigest)
        let fileDigests = events.first?.detail["files"]?.arrayValue?.compactMap { $0["digest"]?.stringValue }
        #expect(fileDigests == Fixture.baseFiles("x").map(\.digest))
    }

    @Test func registeringTheSameManifestAgainWritesNothing() throws {
        let catalog = try Fixture.open(TestDirectory())
        let first = try Fixture.registerBase(catalog, "llama")
        let again = try catalog.registerBase(Fixture.newBase("llama"), files: Fixture.baseFiles("y"), tensors: [])
        #expect(!again.created)
        #expect(again.record == first)
        #expect(try catalog.events().count == 1)
        #expect(try catalog.bases().count == 1)
    }

    @Test func aNewManifestGetsTheNextVersion() throws {
        let catalog = try Fixture.open(TestDirectory())
        try Fixture.registerBase(catalog, "llama", manifest: "m1")
        let second = try Fixture.registerBase(catalog, "llama", manifest: "m2")
        try Fixture.registerBase(catalog, "gpt2", manifest: "m1")
        #expect(second.version == 2)
        #expect(try catalog.base(name: "llama")?.version == 2)
        #expect(try catalog.base(name: "llama", version: 1)?.manifestDigest == Fixture.newBase("llama").manifestDigest)
        #expect(try catalog.base(id: second.id) == second)
        #expect(try catalog.bases().map(\.reference) == ["gpt2@1", "llama@1", "llama@2"])
        #expect(try catalog.nameKind("llama") == .base)
        #expect(try catalog.nameKind("nothing") == nil)
    }

    @Test func aNameHeldByAnAdapterCannotNameABase() throws {
        let catalog = try Fixture.open(TestDirectory())
        let base = try Fixture.registerBase(catalog, "llama")
        try Fixture.registerAdapter(catalog, "sql", baseID: base.id)
        let error = #expect(throws: CatalogError.self) { try Fixture.registerBase(catalog, "sql") }
        #expect(error?.kind == .conflict)
        #expect(error?.message == #"name "sql" is already an adapter"#)
        #expect(try catalog.bases().count == 1)
    }

    @Test(arguments: [
        ("", "name"), ("a@b", "name"), ("ok", "digest"), ("ok", "tensor file"), ("ok", "duplicate path"),
    ])
    func malformedRegistrationsAreRefusedBeforeWriting(name: String, defect: String) throws {
        let catalog = try Fixture.open(TestDirectory())
        var draft = Fixture.newBase(name)
        var files = Fixture.baseFiles("x")
        var tensors = Fixture.tensors()
        switch defect {
        case "digest": draft.manifestDigest = "sha256:XYZ"
        case "tensor file": tensors[0].path = "elsewhere.safetensors"
        case "duplicate path": files.append(files[0])
        default: break
        }
        let error = #expect(throws: CatalogError.self) {
            _ = try catalog.registerBase(draft, files: files, tensors: tensors)
        }
        #expect(error?.kind == .invalid)
        #expect(try catalog.events().isEmpty)
    }

    @Test func removingABaseStillUsedByAdaptersNamesThem() throws {
        let catalog = try Fixture.open(TestDirectory())
        let base = try Fixture.registerBase(catalog, "llama")
        try Fixture.registerAdapter(catalog, "sql", baseID: base.id)
        try Fixture.registerAdapter(catalog, "chat", baseID: base.id)
        let error = #expect(throws: CatalogError.self) { _ = try catalog.removeBase(name: "llama") }
        #expect(error?.kind == .conflict)
        #expect(error?.message.contains(#""chat@1", "sql@1""#) == true)
        #expect(try catalog.base(name: "llama") != nil)
        #expect(try catalog.adapters().count == 2)
    }

    @Test func cascadeRemovesTheBaseAndItsAdaptersButKeepsArtifacts() throws {
        let catalog = try Fixture.open(TestDirectory())
        let base = try Fixture.registerBase(catalog, "llama")
        try Fixture.registerAdapter(catalog, "sql", baseID: base.id)
        try Fixture.insertArtifact(catalog, "k")
        let removal = try catalog.removeBase(name: "llama", cascade: true)
        #expect(removal.bases.map(\.reference) == ["llama@1"])
        #expect(removal.adapters.map(\.reference) == ["sql@1"])
        #expect(try catalog.bases().isEmpty)
        #expect(try catalog.adapters().isEmpty)
        #expect(try catalog.baseFiles(baseID: base.id).isEmpty)
        #expect(try catalog.baseTensors(baseID: base.id).isEmpty)
        #expect(try catalog.artifacts().count == 1)
        let events = try catalog.events()
        #expect(events.suffix(2).map(\.kind) == ["adapter.rm", "base.rm"])
        #expect(events.last?.detail["manifest_digest"]?.stringValue == base.manifestDigest)
        #expect(try catalog.verifyChain() == [])
        #expect(try catalog.integrityCheck() == [])
    }

    @Test func removeWithoutVersionRemovesTheLatest() throws {
        let catalog = try Fixture.open(TestDirectory())
        try Fixture.registerBase(catalog, "llama", manifest: "m1")
        try Fixture.registerBase(catalog, "llama", manifest: "m2")
        #expect(try catalog.removeBase(name: "llama").bases.map(\.version) == [2])
        #expect(try catalog.bases().map(\.reference) == ["llama@1"])
        #expect(try catalog.removeBase(name: "llama", version: 1).bases.map(\.version) == [1])
        // Versions keep counting from the highest ever given (0006): a removed number is never reused.
        #expect(try Fixture.registerBase(catalog, "llama", manifest: "m3").version == 3)
    }

    @Test func removingAMissingBaseIsNotFound() throws {
        let catalog = try Fixture.open(TestDirectory())
        let base = try Fixture.registerBase(catalog, "llama")
        try Fixture.registerAdapter(catalog, "sql", baseID: base.id)
        let missing = #expect(throws: CatalogError.self) { _ = try catalog.removeBase(name: "llama", version: 3) }
        #expect(missing?.kind == .notFound)
        #expect(missing?.message == #"base "llama@3" not found"#)
        let other = #expect(throws: CatalogError.self) { _ = try catalog.removeBase(name: "sql") }
        #expect(other?.message == #"base "sql" not found ("sql" is an adapter)"#)
    }
}
