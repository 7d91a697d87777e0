import LoomCore
import SQLiteCatalog
import Testing

@Suite struct ReferencedBlobsTests {
    @Test func referencedBlobsIsTheUnionOfBaseAdapterAndArtifactFiles() throws {
        let catalog = try Fixture.open(TestDirectory())
        let base = try Fixture.registerBase(catalog, "llama")
        let shared = FileEntry(path: "config.json", digest: Fixture.digest("shared"), size: 7)
        let adapterFiles = [shared, FileEntry(path: "adapter_model.safetensors", digest: Fixture.digest("am"), size: 9)]
        _ = try catalog.registerAdapter(Fixture.newAdapter("sql", baseID: base.id), files: adapterFiles)
        _ = try catalog.insertArtifact(Fixture.newArtifact("k"), inputs: [], files: [shared])
        var expected: [String: Int64] = [:]
        for file in Fixture.baseFiles("llama/m1") + adapterFiles { expected[file.digest] = file.size }
        #expect(try catalog.referencedBlobs() == expected)
    }

    @Test func holdersNameEveryRowThatReferencesADigest() throws {
        let catalog = try Fixture.open(TestDirectory())
        let base = try Fixture.registerBase(catalog, "llama")
        let shared = Fixture.baseFiles("llama/m1")[1]
        _ = try catalog.registerAdapter(
            Fixture.newAdapter("sql", baseID: base.id), files: [FileEntry(path: "cfg.json", digest: shared.digest, size: shared.size)])
        let artifact = try catalog.insertArtifact(Fixture.newArtifact("k"), inputs: [], files: [shared]).record
        let holders = try catalog.holders(ofDigest: shared.digest)
        #expect(holders.map(\.kind) == [.adapter, .artifact, .base])
        #expect(holders.map(\.path) == ["cfg.json", "config.json", "config.json"])
        #expect(holders[1].name == artifact.key)
        #expect(holders[1].version == nil)
        #expect(holders[2].name == "llama")
        #expect(holders[2].version == 1)
        #expect(try catalog.holders(ofDigest: Fixture.digest("nothing")).isEmpty)
    }

    @Test func oneSnapshotSeesOneState() throws {
        let dir = TestDirectory()
        let catalog = try Fixture.open(dir)
        let writer = try Fixture.open(dir)
        try Fixture.registerBase(catalog, "llama")
        let (before, after) = try catalog.snapshot { snapshot in
            let before = try snapshot.referencedBlobs()
            try Fixture.registerBase(writer, "gpt2")
            return (before, try snapshot.referencedBlobs())
        }
        #expect(before == after)
        #expect(try catalog.referencedBlobs().count == before.count + 2)
    }
}
