import Foundation
import LoomJSON
import LoomTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Several `loom` processes doing the same thing on one store at the same moment: one of them does the
/// work, the others wait for it or find it done, every one succeeds, and nothing is recorded twice.
@Suite(.serialized) struct ConcurrentBuildTests {
    static let processes = 8

    /// Eight `loom build llama-qv --json` started together, once per output dtype (three keys): exactly one
    /// merge per key (one `artifact.build` event, one row), every process exits 0 with one JSON document on
    /// stdout naming the same path and key; waiting is said on stderr only.
    @Test(arguments: ["bf16", "f32", "f16"])
    func eightBuildsOfOneKeyMergeOnceAndAllReturnTheSamePath(dtype: String) throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let runs = try ParallelRuns.run(Self.processes) { _ in
            try store.loom(["build", "llama-qv", "--dtype", dtype, "--json"])
        }
        var documents: [JSONValue] = []
        for run in runs {
            documents.append(try run.json())
            #expect(!run.stdout.contains("waiting"), "a wait note on stdout:\n\(run)")
            let unexpected = run.stderrLines.filter { !$0.isEmpty && !$0.hasPrefix("loom: waiting for ") }
            #expect(unexpected.isEmpty, "stderr beyond the wait note:\n\(run)")
        }
        let keys = Set(documents.compactMap { $0["key"]?.stringValue })
        let paths = Set(documents.compactMap { $0["path"]?.stringValue })
        #expect(keys.count == 1 && paths.count == 1, "keys \(keys), paths \(paths)")
        let key = try #require(keys.first)
        #expect(paths.first == store.path + "/artifacts/" + Contract.hex(key))
        #expect(documents.filter { $0["cached"] == .bool(false) }.count == 1, "merges: \(documents.map { $0["cached"] })")
        #expect(documents.allSatisfy { $0["dtype"]?.stringValue == dtype })

        #expect(try store.eventCount("artifact.build") == 1)
        #expect(try store.inspector.artifacts().map(\.key) == [key])
        #expect(try store.inspector.leases().isEmpty, "a lease outlived its builder")
        try store.expectArtifactsComplete()
        try store.expectConsistent()
    }

    /// Eight builds that all find the key's lease held by a live process of this host (this test), then race
    /// for it when it is released: each says it waits (stderr only), exactly one merges, all return its result.
    @Test func eightWaitingBuildsRaceForTheReleasedLeaseAndOneMerges() throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let reference = try StoreTemplates.shared.reference()
        let lease = "build:" + reference.key
        try store.inspector.plantLease(name: lease, pid: Int64(getpid()), host: Self.hostName, expiresAt: Date().addingTimeInterval(120))
        let children = try (0..<Self.processes).map { _ in try LoomChild(["build", "llama-qv", "--json"], store: store) }
        // Once every builder says it waits, drop the lease as its holder would: they all race for it.
        for child in children { #expect(child.waitForStderr(containing: "loom: waiting for "), "\(child.stderr)") }
        try store.inspector.deleteLease(name: lease)
        let runs = try children.map { try $0.finish() }
        let documents = try runs.map { try $0.json() }
        for run in runs {
            #expect(run.stderr.hasPrefix("loom: waiting for \(Self.hostName) pid \(getpid()), which is building \(reference.key)"), "\(run)")
            #expect(!run.stdout.contains("waiting"))
        }
        #expect(documents.allSatisfy { $0["waited"] == .bool(true) && $0["key"]?.stringValue == reference.key })
        #expect(Set(documents.compactMap { $0["path"]?.stringValue }) == [store.path + "/artifacts/" + reference.hex])
        #expect(documents.filter { $0["cached"] == .bool(false) }.count == 1)
        #expect(try store.eventCount("artifact.build") == 1 && store.inspector.artifacts() == [reference])
        #expect(try store.inspector.leases().isEmpty)
        try store.expectArtifactsComplete()
        try store.expectConsistent()
    }

    /// This machine's host name, as loom records it in a lease.
    static var hostName: String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Eight `base add` of one directory on a store that does not exist yet (so they also race to create
    /// the catalog and switch it to WAL), then four `adapter add` of one adapter: all succeed, one version
    /// each, one event each. Three fresh stores: the race to create the catalog is short.
    @Test(arguments: 1...3)
    func concurrentRegistrationsOfTheSameContentMakeOneVersion(round: Int) throws {
        let store = try CLIStore()
        let bases = try ParallelRuns.run(Self.processes) { _ in
            try store.loom(["base", "add", Fixtures.path("bases/llama-tiny"), "--name", "llama-tiny", "--json"])
        }
        let baseDocuments = try bases.map { try $0.json() }
        #expect(baseDocuments.filter { $0["created"] == .bool(true) }.count == 1)
        #expect(Set(baseDocuments.compactMap { $0["version"]?.intValue }) == [1])
        #expect(Set(baseDocuments.compactMap { $0["digest"]?.stringValue }).count == 1)

        let adapters = try ParallelRuns.run(4) { _ in
            try store.loom(["adapter", "add", Fixtures.path("adapters/llama-qv"), "--name", "llama-qv", "--json"])
        }
        let adapterDocuments = try adapters.map { try $0.json() }
        #expect(adapterDocuments.filter { $0["created"] == .bool(true) }.count == 1)
        #expect(Set(adapterDocuments.compactMap { $0["version"]?.intValue }) == [1])

        let listing = try store.json("ls")
        #expect(listing["bases"]?.arrayValue?.compactMap { $0["ref"]?.stringValue } == ["llama-tiny@1"])
        #expect(listing["adapters"]?.arrayValue?.compactMap { $0["ref"]?.stringValue } == ["llama-qv@1"])
        #expect(try store.eventCount("base.add") == 1 && store.eventCount("adapter.add") == 1)
        #expect(try store.inspector.leases().isEmpty, "an ingest lease outlived its registration")
        let report = try store.expectConsistent()
        #expect(report["collectable"]?["unreferenced_blobs"]?.arrayValue?.isEmpty == true)
        #expect(store.inspector.ingestEntries().isEmpty)
    }
}
