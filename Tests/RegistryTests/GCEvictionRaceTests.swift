import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import Testing

@testable import Registry

/// gc evicts an artifact's row first and removes its directory afterwards, outside the write lock. A build
/// of the same key that commits in between finds the old directory complete and returns its path: gc must
/// then keep that directory, or the build's answer (and the row) would point at nothing.
@Suite struct GCEvictionRaceTests {
    let harness: RegistryHarness
    let built: BuildResult

    init() throws {
        harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        built = try harness.registry.build(BuildRequest(target: .named(Reference(name: "llama-qv"))))
    }

    /// The eviction step of gc: the row goes, as its plan saw it.
    func evictRow() throws {
        let outcomes = try harness.registry.writableCatalog().evictArtifacts(
            [Eviction(key: built.artifact.key, notUsedSince: built.artifact.lastUsedAt, reason: "test")])
        #expect(outcomes.count == 1)
        guard case .evicted = outcomes.first else {
            Issue.record("not evicted: \(outcomes)")
            return
        }
    }

    @Test func aDirectoryWhoseArtifactWasBuiltAgainSinceItsEvictionIsKept() throws {
        let registry = harness.registry
        let key = try #require(Digest(parsing: built.artifact.key))
        try evictRow()
        let rebuilt = try registry.build(BuildRequest(target: .named(Reference(name: "llama-qv"))))
        #expect(!rebuilt.cached && rebuilt.path == built.path)

        // gc's second step, after the rebuild committed: the directory the rebuild returned stays, complete.
        let catalog = try registry.writableCatalog()
        let removed = Materializer(registry: registry).remove(key, unless: { (try? catalog.artifact(key: key.description)) != nil })
        #expect(!removed)
        let entries = try registry.manifestEntries(rebuilt.artifact)
        #expect(Materializer(registry: registry).isComplete(key, files: entries), "the rebuilt artifact's directory is gone")
        let names = try FileManager.default.contentsOfDirectory(atPath: registry.artifactsDirectory)
        #expect(names == [key.hex], "left beside it: \(names)")
    }

    @Test func aDirectoryWhoseArtifactStaysEvictedIsRemoved() throws {
        let registry = harness.registry
        let key = try #require(Digest(parsing: built.artifact.key))
        try evictRow()
        let catalog = try registry.writableCatalog()
        #expect(Materializer(registry: registry).remove(key, unless: { (try? catalog.artifact(key: key.description)) != nil }))
        #expect(try FileManager.default.contentsOfDirectory(atPath: registry.artifactsDirectory).isEmpty)
        // Idempotent: gone already counts as removed.
        #expect(Materializer(registry: registry).remove(key, unless: { false }))
    }
}
