package import Foundation
package import LoomCore
internal import LoomJSON

/// gc's re-check: a sweep runs only while no live lease exists, under the write turn, so a blob that a
/// writer (holding its lease from before it looks for the blob until its rows commit) comes to reference
/// is never swept.
extension CatalogConformance {
    /// A live lease stops the sweep (its body does not run); an expired one is deleted and the sweep runs.
    package static func sweepWaitsForLiveLeases(_ make: Factory) throws {
        let clock = TestClock()
        let catalog = try make(clock.function)
        _ = try catalog.acquireLease(name: "ingest:w", ttl: .seconds(30))
        var ran = false
        let blocked = try catalog.sweepBlobs { _ in
            ran = true
            return []
        }
        try ConformanceFailure.check(!ran && !blocked.swept, "the sweep ran under a live lease")
        try ConformanceFailure.check(blocked.liveLeases.map(\.name) == ["ingest:w"], "live leases reported as \(blocked.liveLeases.map(\.name))")
        clock.advance(by: 31)
        let swept = try catalog.sweepBlobs { _ in
            ran = true
            return []
        }
        try ConformanceFailure.check(ran && swept.swept, "the sweep did not run once the only lease had expired")
        try ConformanceFailure.check(swept.deadLeases.map(\.lease.name) == ["ingest:w"], "dead leases reported as \(swept.deadLeases.map(\.lease.name))")
        try ConformanceFailure.check(try catalog.leases().isEmpty, "the expired lease was not deleted by the sweep")
    }

    /// Writers and sweeps race; every artifact row that references a blob finds the blob still there.
    ///
    /// The blob store is modelled by a set. A writer takes a lease, (re)ingests the blob when missing,
    /// commits an artifact referencing it and releases the lease; a sweep deletes the blob when the
    /// reader it is given says nothing references it.
    package static func sweepRechecksUnderConcurrentWrites(_ make: Factory) throws {
        let catalog = try make(Date.init)
        let rounds = 12
        let blob = Samples.digest("shared-output")
        let stored = Locked<Set<String>>([blob])
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2 * rounds) { i in
            do {
                if i % 2 == 0 {
                    let lease = "ingest:writer-\(i)"
                    guard case .acquired = try catalog.acquireLease(name: lease, ttl: .seconds(600)) else { return }
                    defer { _ = try? catalog.releaseLease(name: lease) }
                    stored.withLock { _ = $0.insert(blob) }
                    _ = try catalog.insertArtifact(
                        Samples.newArtifact("a\(i)"), inputs: [],
                        files: [FileEntry(path: "model.safetensors", digest: blob, size: 10)], blobStats: [:])
                } else {
                    _ = try catalog.sweepBlobs { reader in
                        guard try !reader.isReferenced(digest: blob) else { return [] }
                        stored.withLock { _ = $0.remove(blob) }
                        return [blob]
                    }
                }
            } catch let error as CatalogError where error.kind == .busy {
                // A busy turn is allowed (the caller retries); it must not break the invariant.
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        if let first = failures.withLock({ $0.first }) { throw ConformanceFailure(description: "sweepRechecksUnderConcurrentWrites: \(first)") }
        let referenced = try catalog.referencedBlobs()
        if referenced[blob] != nil {
            try ConformanceFailure.check(stored.withLock { $0.contains(blob) }, "a referenced blob was swept")
        }
        _ = try catalog.sweepBlobs { reader in
            try ConformanceFailure.check(try reader.isReferenced(digest: blob) == (referenced[blob] != nil), "the sweep's reader disagrees with a snapshot")
            return []
        }
    }
}

/// Valid sample inputs (digests derived from short seeds), accepted by every backend.
enum Samples {
    /// `sha256:` of `seed`.
    static func digest(_ seed: String) -> String { Digest(hashing: Array(seed.utf8)).description }

    @discardableResult
    static func registerBase(_ catalog: any CatalogStore, _ name: String, manifest: String = "m1") throws -> BaseRecord {
        let draft = NewBase(
            name: name, manifestDigest: digest("base/\(name)/\(manifest)"), architecture: "LlamaForCausalLM",
            modelType: "llama", dtype: "f32", parameterCount: 64, totalSize: 1010)
        let files = [
            FileEntry(path: "model.safetensors", digest: digest("\(name)/\(manifest)/model"), size: 1000),
            FileEntry(path: "config.json", digest: digest("\(name)/\(manifest)/config"), size: 10),
        ]
        let tensors = [TensorEntry(name: "embed.weight", dtype: "F32", shape: [8, 4], path: "model.safetensors", position: 0)]
        return try catalog.registerBase(draft, files: files, tensors: tensors).record
    }

    static func newArtifact(_ seed: String) -> NewArtifact {
        let base = digest("base")
        return NewArtifact(
            key: digest("artifact/\(seed)"), recipe: .object(["base": .string(base), "seed": .string(seed)]), baseDigest: base,
            dtype: "bf16", engineVersion: "loom-merge 1", totalSize: 10, provenance: .object([:]))
    }
}

/// A value behind a lock, for the suites' threads.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<T>(_ body: (inout Value) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
