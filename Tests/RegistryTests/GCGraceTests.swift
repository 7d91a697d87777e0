import LoomCore
import SQLiteCatalog
import Foundation
import Testing

@testable import Registry

/// The grace period, with ages faked by setting modification times (no sleeping).
@Suite struct GCGraceTests {
    /// Ages of the planted blobs and ingest files, in minutes.
    static let ages: [Double] = [1, 30, 59, 61, 120, 24 * 60]

    @Test(arguments: [
        (Duration.seconds(3600), [61, 120, 24 * 60]),
        (.seconds(45 * 60), [59, 61, 120, 24 * 60]),
        (.seconds(2 * 86400), []),
        (.zero, [1, 30, 59, 61, 120, 24 * 60]),
    ] as [(Duration, [Double])])
    func onlyWhatIsOlderThanGraceGoes(grace: Duration, collected: [Double]) throws {
        let store = try GCStore()
        var blobs: [Double: String] = [:]
        var files: [Double: String] = [:]
        for age in Self.ages {
            blobs[age] = try store.looseBlob("blob \(age) minutes old", age: age * 60)
            files[age] = try store.ingestFile("\(try GCStore.deadPID())-\(String(Int(age), radix: 16)).part", bytes: Int(age), age: age * 60)
        }
        let result = try store.gc(grace: grace)
        #expect(Set(result.blobs.map(\.digest)) == Set(collected.compactMap { blobs[$0] }))
        // An ingest file whose writer is gone (its pid runs no more) is garbage at once, whatever its age.
        #expect(Set(result.ingest.map(\.path)) == Set(files.values))
        #expect(result.ingest.allSatisfy { $0.reason == GCPlan.Reason.deadWriterIngest })
        for age in Self.ages {
            #expect(store.hasBlob(blobs[age]!) == !collected.contains(age), "blob \(age) min old")
            #expect(!store.exists(files[age]!), "ingest file \(age) min old")
        }
    }

    @Test func blobsFreedByAnEvictionDoNotWaitForGrace() throws {
        let store = try GCStore()
        let artifact = try store.build([("llama-qv", 1)], dtype: .f32)
        let fresh = try store.looseBlob("just written", age: 0)
        let result = try store.gc(maxSize: 0, grace: .seconds(86400))
        let model = try #require(artifact.files?.first { $0.path == "model.safetensors" })
        #expect(result.blobs.first { $0.digest == model.digest }?.reason == GCPlan.Reason.freed(by: artifact.key))
        #expect(!store.hasBlob(model.digest) && store.hasBlob(fresh))
    }
}
