import LoomCore
import SQLiteCatalog
import LoomJSON
import Testing

@Suite struct ArtifactTests {
    @Test func insertRecordsInputsFilesTimesAndEvent() throws {
        let clock = FakeClock()
        let catalog = try Fixture.open(TestDirectory(), clock: clock)
        let draft = Fixture.newArtifact("k")
        let (artifact, created) = try catalog.insertArtifact(
            draft, inputs: Fixture.inputs("k"), files: Fixture.artifactFiles("k"))
        #expect(created)
        #expect(artifact.key == draft.key)
        #expect(artifact.recipe == draft.recipe)
        #expect(artifact.provenance == draft.provenance)
        #expect(artifact.inputs.map(\.position) == [0, 1])
        #expect(artifact.inputs.map(\.weight) == [1.0, 0.5])
        #expect(artifact.files?.map(\.path) == ["config.json", "model.safetensors"])
        #expect(artifact.createdAt == clock.now)
        #expect(artifact.lastUsedAt == clock.now)
        #expect(!artifact.pinned)
        #expect(try catalog.artifact(key: draft.key) == artifact)
        #expect(try catalog.artifactFiles(artifactID: artifact.id) == artifact.files)
        let event = try #require(try catalog.events().last)
        #expect(event.kind == "artifact.build")
        #expect(event.subject == draft.key)
        #expect(event.detail["base_digest"]?.stringValue == draft.baseDigest)
        let inputDigests = event.detail["inputs"]?.arrayValue?.compactMap { $0["adapter_digest"]?.stringValue }
        #expect(inputDigests == artifact.inputs.map(\.adapterDigest))
    }

    @Test func insertingAnExistingKeyReturnsItAndWritesNothing() throws {
        let catalog = try Fixture.open(TestDirectory())
        let first = try Fixture.insertArtifact(catalog, "k")
        let again = try catalog.insertArtifact(Fixture.newArtifact("k"), inputs: [], files: [])
        #expect(!again.created)
        #expect(again.record == first)
        #expect(try catalog.events().count == 1)
    }

    @Test func nonFiniteWeightsAndBadKeysAreRefused() throws {
        let catalog = try Fixture.open(TestDirectory())
        var draft = Fixture.newArtifact("k")
        let nan = #expect(throws: CatalogError.self) {
            _ = try catalog.insertArtifact(
                draft, inputs: [ArtifactInput(position: 0, adapterDigest: Fixture.digest("a"), weight: .nan)], files: [])
        }
        #expect(nan?.kind == .invalid)
        draft.key = "sha256:short"
        #expect(throws: CatalogError.self) { _ = try catalog.insertArtifact(draft, inputs: [], files: []) }
        #expect(try catalog.artifacts().isEmpty)
    }

    @Test func touchMovesLastUsedForwardOnly() throws {
        let clock = FakeClock()
        let catalog = try Fixture.open(TestDirectory(), clock: clock)
        let artifact = try Fixture.insertArtifact(catalog, "k")
        clock.advance(by: 60)
        try catalog.touchArtifact(key: artifact.key)
        #expect(sameTime(try catalog.artifact(key: artifact.key)?.lastUsedAt, clock.now))
        let later = clock.now
        clock.advance(by: -3600)
        try catalog.touchArtifact(key: artifact.key)
        #expect(sameTime(try catalog.artifact(key: artifact.key)?.lastUsedAt, later))
        #expect(try catalog.artifact(key: artifact.key)?.createdAt == artifact.createdAt)
        #expect(try catalog.events().count == 1)
    }

    @Test func touchingAMissingArtifactIsNotFound() throws {
        let catalog = try Fixture.open(TestDirectory())
        let error = #expect(throws: CatalogError.self) { try catalog.touchArtifact(key: Fixture.digest("none")) }
        #expect(error?.kind == .notFound)
    }

    @Test func pinningLogsOnlyChanges() throws {
        let catalog = try Fixture.open(TestDirectory())
        let artifact = try Fixture.insertArtifact(catalog, "k")
        #expect(try catalog.setPinned(key: artifact.key, true).pinned)
        #expect(try catalog.setPinned(key: artifact.key, true).pinned)
        #expect(try !catalog.setPinned(key: artifact.key, false).pinned)
        #expect(try catalog.events().map(\.kind) == ["artifact.build", "artifact.pin", "artifact.unpin"])
        #expect(try catalog.artifact(key: artifact.key)?.pinned == false)
    }

    @Test func deleteRemovesRowsAndLogsTheEvictionWithDigests() throws {
        let catalog = try Fixture.open(TestDirectory())
        let artifact = try Fixture.insertArtifact(catalog, "k")
        try Fixture.insertArtifact(catalog, "other")
        let deleted = try catalog.deleteArtifact(key: artifact.key, reason: "lru")
        #expect(deleted == artifact)
        #expect(try catalog.artifact(key: artifact.key) == nil)
        #expect(try catalog.artifactFiles(artifactID: artifact.id).isEmpty)
        #expect(try catalog.artifacts().map(\.key) == [Fixture.newArtifact("other").key])
        let event = try #require(try catalog.events().last)
        #expect(event.kind == "artifact.evict")
        #expect(event.detail["reason"] == "lru")
        #expect(event.detail["files"]?.arrayValue?.count == 2)
        let again = #expect(throws: CatalogError.self) { try catalog.deleteArtifact(key: artifact.key, reason: "lru") }
        #expect(again?.kind == .notFound)
    }

    @Test func listingCarriesEveryArtifactsInputsInOrder() throws {
        let catalog = try Fixture.open(TestDirectory())
        for seed in ["a", "b", "c"] { _ = try Fixture.insertArtifact(catalog, seed) }
        _ = try catalog.insertArtifact(Fixture.newArtifact("none"), inputs: [], files: [])
        let listed = try catalog.artifacts()
        #expect(listed.map(\.key) == ["a", "b", "c", "none"].map { Fixture.newArtifact($0).key })
        #expect(listed[1].inputs.map(\.adapterDigest) == [Fixture.digest("adapter/b/a"), Fixture.digest("adapter/b/b")])
        #expect(listed[3].inputs.isEmpty)
        #expect(listed.allSatisfy { $0.files == nil })
        let withFiles = try catalog.snapshot { try $0.artifacts(includingFiles: true) }
        #expect(withFiles.map { $0.files?.count } == [2, 2, 2, 0])
    }
}
