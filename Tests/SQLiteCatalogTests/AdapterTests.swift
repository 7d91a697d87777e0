import LoomCore
import SQLiteCatalog
import LoomJSON
import Testing

@Suite struct AdapterTests {
    @Test func registrationRecordsConfigFieldsBaseAndEvent() throws {
        let catalog = try Fixture.open(TestDirectory())
        let base = try Fixture.registerBase(catalog, "llama")
        let draft = Fixture.newAdapter("sql", baseID: base.id)
        let (adapter, created) = try catalog.registerAdapter(draft, files: Fixture.adapterFiles("s"))
        #expect(created)
        #expect(adapter.reference == "sql@1")
        #expect(adapter.baseReference == "llama@1")
        #expect(adapter.baseID == base.id)
        #expect(adapter.r == 8)
        #expect(adapter.loraAlpha == 16)
        #expect(adapter.targetModules == draft.targetModules)
        // Pattern order is meaningful (PEFT matches in file order) and must survive the round trip.
        #expect(adapter.rankPattern.objectValue?.keys == ["z", "a"])
        #expect(adapter.config == draft.config)
        #expect(try catalog.adapter(id: adapter.id) == adapter)
        #expect(try catalog.adapterFiles(adapterID: adapter.id) == Fixture.adapterFiles("s").sorted { $0.path < $1.path })
        let event = try #require(try catalog.events().last)
        #expect(event.kind == "adapter.add")
        #expect(event.subject == "sql@1")
        #expect(event.detail["manifest_digest"]?.stringValue == draft.manifestDigest)
        #expect(event.detail["base_manifest_digest"]?.stringValue == base.manifestDigest)
        #expect(try catalog.nameKind("sql") == .adapter)
    }

    @Test func sameManifestOnTheSameBaseWritesNothing() throws {
        let catalog = try Fixture.open(TestDirectory())
        let base = try Fixture.registerBase(catalog, "llama")
        let first = try Fixture.registerAdapter(catalog, "sql", baseID: base.id)
        let eventsBefore = try catalog.events().count
        let again = try catalog.registerAdapter(Fixture.newAdapter("sql", baseID: base.id), files: [])
        #expect(!again.created)
        #expect(again.record == first)
        #expect(try catalog.events().count == eventsBefore)
    }

    @Test func sameManifestOnAnotherBaseIsANewVersion() throws {
        let catalog = try Fixture.open(TestDirectory())
        let v1 = try Fixture.registerBase(catalog, "llama", manifest: "m1")
        let v2 = try Fixture.registerBase(catalog, "llama", manifest: "m2")
        try Fixture.registerAdapter(catalog, "sql", baseID: v1.id)
        let second = try Fixture.registerAdapter(catalog, "sql", baseID: v2.id)
        let third = try Fixture.registerAdapter(catalog, "sql", baseID: v2.id, manifest: "a2")
        #expect(second.version == 2)
        #expect(second.baseReference == "llama@2")
        #expect(third.version == 3)
        #expect(try catalog.adapter(name: "sql")?.version == 3)
        #expect(try catalog.adapter(name: "sql", version: 1)?.baseID == v1.id)
        #expect(try catalog.adapters(baseID: v2.id).map(\.reference) == ["sql@2", "sql@3"])
    }

    @Test func aNameHeldByABaseCannotNameAnAdapter() throws {
        let catalog = try Fixture.open(TestDirectory())
        let base = try Fixture.registerBase(catalog, "llama")
        let error = #expect(throws: CatalogError.self) { try Fixture.registerAdapter(catalog, "llama", baseID: base.id) }
        #expect(error?.kind == .conflict)
        #expect(error?.message == #"name "llama" is already a base"#)
    }

    @Test func anUnknownBaseIsNotFound() throws {
        let catalog = try Fixture.open(TestDirectory())
        let error = #expect(throws: CatalogError.self) { try Fixture.registerAdapter(catalog, "sql", baseID: 42) }
        #expect(error?.kind == .notFound)
        #expect(try catalog.events().isEmpty)
    }

    @Test func removeTakesTheLatestVersionAndLogsItsDigests() throws {
        let catalog = try Fixture.open(TestDirectory())
        let base = try Fixture.registerBase(catalog, "llama")
        try Fixture.registerAdapter(catalog, "sql", baseID: base.id, manifest: "a1")
        let latest = try Fixture.registerAdapter(catalog, "sql", baseID: base.id, manifest: "a2")
        let removal = try catalog.removeAdapter(name: "sql")
        #expect(removal.adapters == [latest])
        #expect(removal.bases.isEmpty)
        #expect(try catalog.adapters().map(\.reference) == ["sql@1"])
        #expect(try catalog.adapterFiles(adapterID: latest.id).isEmpty)
        let event = try #require(try catalog.events().last)
        #expect(event.kind == "adapter.rm")
        #expect(event.subject == "sql@2")
        #expect(event.detail["manifest_digest"]?.stringValue == latest.manifestDigest)
        // With its adapters gone the base can go without cascade.
        _ = try catalog.removeAdapter(name: "sql", version: 1)
        #expect(try catalog.removeBase(name: "llama").bases.count == 1)
    }

    @Test func removingAMissingAdapterVersionIsNotFound() throws {
        let catalog = try Fixture.open(TestDirectory())
        let error = #expect(throws: CatalogError.self) { _ = try catalog.removeAdapter(name: "sql", version: 3) }
        #expect(error?.kind == .notFound)
        #expect(error?.message == #"adapter "sql@3" not found"#)
    }
}
