import LoomCore
import SQLiteCatalog
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import Registry

/// `--max-size`: roots survive any budget, the cache is rebuilt on demand, nothing kept loses a blob.
@Suite struct GCBudgetTests {
    @Test func pinnedAndLeasedArtifactsSurviveAZeroBudget() throws {
        let store = try GCStore()
        let catalog = try store.catalog()
        let plain = try store.build([("llama-qv", 1)], dtype: .f32)
        let pinned = try store.build([("llama-qv", 1)], dtype: .f16)
        let leased = try store.build([("llama-qv-b", 1)], dtype: .bf16)
        let mixed = try store.build([("llama-qv", 0.7), ("llama-qv-b", 0.3)], dtype: .bf16)
        try catalog.setPinned(key: pinned.key, true)
        let lease = "build:" + leased.key
        guard case .acquired = try catalog.acquireLease(name: lease, ttl: .seconds(600)) else {
            Issue.record("lease not acquired")
            return
        }
        let blobsBefore = store.harness.blobFiles()

        let first = try store.gc(maxSize: 0)
        #expect(Set(first.artifacts.map(\.key)) == [plain.key, mixed.key])
        #expect(try catalog.artifact(key: pinned.key) != nil && catalog.artifact(key: leased.key) != nil)
        #expect(try catalog.artifact(key: plain.key) == nil && catalog.artifact(key: mixed.key) == nil)
        #expect(!store.exists(store.directory(of: plain)) && !store.exists(store.directory(of: mixed)))
        #expect(store.exists(store.directory(of: pinned)) && store.exists(store.directory(of: leased)))
        // The live lease (a builder may be between ingest and commit) stops every blob deletion.
        #expect(first.blobs.isEmpty && store.harness.blobFiles() == blobsBefore)
        #expect(first.skipped.map(\.subject).contains(lease))
        #expect(first.skipped.contains { $0.subject == "budget" })

        // Released, the leased artifact is ordinary cache: the same budget evicts it and the sweep runs.
        #expect(try catalog.releaseLease(name: lease))
        let second = try store.gc(maxSize: 0)
        #expect(second.artifacts.map(\.key) == [leased.key])
        #expect(second.skipped.map(\.subject) == ["budget"])
        #expect(try catalog.artifacts().map(\.key) == [pinned.key])
        let base = try #require(try catalog.base(name: "llama-tiny"))
        var survivors = try catalog.baseFiles(baseID: base.id).map(\.digest)
        for adapter in try catalog.adapters() { survivors += try catalog.adapterFiles(adapterID: adapter.id).map(\.digest) }
        survivors += (pinned.files ?? []).map(\.digest)
        for digest in survivors { #expect(store.hasBlob(digest), "kept blob \(digest)") }
        func weights(_ artifact: ArtifactRecord) throws -> String {
            try #require(artifact.files?.first { $0.path == "model.safetensors" }).digest
        }
        #expect(try !store.hasBlob(weights(leased)), "freed by this run's eviction: gone at once")
        // Freed by the first run, whose sweep the lease stopped: now merely unreferenced, they wait for grace.
        #expect(try store.hasBlob(weights(plain)) && store.hasBlob(weights(mixed)))
        store.clock.advance(by: 2 * GCStore.hour)
        let third = try store.gc(maxSize: 0)
        #expect(try Set(third.blobs.map(\.digest)).isSuperset(of: [weights(plain), weights(mixed)]))
        #expect(third.blobs.allSatisfy { $0.reason == GCPlan.Reason.unreferenced })
        // bf16 output keeps the base's config.json: it was shared, and the base still holds it.
        #expect(try #require(leased.files?.first { $0.path == "config.json" }).digest
            == catalog.baseFiles(baseID: base.id).first { $0.path == "config.json" }?.digest)
        #expect(try store.everyArtifactIsComplete())
        #expect(Set(store.harness.blobFiles().map { String($0.suffix(64)) }) == Set(survivors.map { String($0.suffix(64)) }))
    }

    @Test func withoutABudgetNoArtifactIsEvicted() throws {
        let store = try GCStore()
        let artifact = try store.build([("llama-qv", 1)], dtype: .f16)
        store.clock.advance(by: 365 * 86400)
        let result = try store.gc()
        #expect(result.artifacts.isEmpty && result.blobs.isEmpty)
        #expect(try store.catalog().artifact(key: artifact.key) != nil)
        #expect(try store.everyArtifactIsComplete())
    }

    @Test func anEvictedArtifactIsRebuiltWithTheSameKeyAndBytes() throws {
        let store = try GCStore()
        let first = try store.build([("llama-qv", 0.5), ("llama-qv-b", 1)], dtype: .f16)
        let result = try store.gc(maxSize: 0)
        #expect(result.artifacts.map(\.key) == [first.key])
        let model = try #require(first.files?.first { $0.path == "model.safetensors" })
        #expect(!store.hasBlob(model.digest) && !store.exists(store.directory(of: first)))

        let rebuilt = try store.registry.build(
            BuildRequest(
                target: .explicit(
                    base: Reference(name: "llama-tiny"),
                    adapters: [
                        WeightedReference(reference: Reference(name: "llama-qv"), weight: 0.5),
                        WeightedReference(reference: Reference(name: "llama-qv-b"), weight: 1),
                    ]),
                dtype: .f16))
        #expect(!rebuilt.cached)
        #expect(rebuilt.artifact.key == first.key && rebuilt.artifact.files == first.files)
        #expect(rebuilt.path == store.directory(of: first) && store.exists(rebuilt.path + "/model.safetensors"))
        #expect(try store.everyArtifactIsComplete())
    }

    @Test func aCacheHitAfterThePlanKeepsTheArtifact() throws {
        let store = try GCStore()
        let artifact = try store.build([("llama-qv", 1)], dtype: .f32)
        let plan = try store.gc(dryRun: true, maxSize: 0)
        #expect(plan.artifacts.map(\.key) == [artifact.key])
        // A build hits the cache after gc planned (simulated: the planning snapshot is older than the touch).
        store.clock.advance(by: 1)
        try store.catalog().touchArtifact(key: artifact.key)
        let outcomes = try store.catalog().evictArtifacts(
            plan.artifacts.map { Eviction(key: $0.key, notUsedSince: $0.lastUsedAt, reason: $0.reason) },
            isStale: LeaseHolderLiveness.isGone)
        guard case .kept(_, let reason) = try #require(outcomes.first) else {
            Issue.record("a used artifact was evicted")
            return
        }
        #expect(reason.hasPrefix("used since the plan"))
        #expect(try store.everyArtifactIsComplete())
    }
}
