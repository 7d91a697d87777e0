import Foundation
import LoomJSON
import LoomTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) or SIGTERM during a build or registration: the partial blob in `ingest/` is removed
/// and the lease released before the process exits 130 or 143, so the store is clean at once and the
/// next run succeeds. A writer killed without warning (SIGKILL) leaves its `.part` file, which gc
/// collects at once because its pid is gone (not after the grace period).
///
/// The processes stop themselves at a known step (`LOOM_FAULT_STOP`) with their partial file on disk;
/// the test sends the signal and lets them go on (SIGCONT), so nothing depends on timing.
@Suite(.serialized) struct InterruptTests {
    /// The names in the store's `ingest/`.
    static func ingestNames(_ store: CLIStore) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: store.path + "/ingest")) ?? []).sorted()
    }

    /// Sends `signal` to a child that stopped itself, and continues it.
    static func interrupt(_ child: LoomChild, with signal: Int32) {
        kill(child.pid, signal)
        kill(child.pid, SIGCONT)
    }

    @Test(arguments: [(SIGINT, Int32(130), "SIGINT"), (SIGTERM, Int32(143), "SIGTERM")])
    func aSignalledBuildRemovesItsPartialFileAndReleasesItsLease(signal: Int32, status: Int32, name: String) throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let reference = try StoreTemplates.shared.reference()
        let child = try LoomChild(["build", "llama-qv", "--json"], store: store, environment: ["LOOM_FAULT_STOP": "ingest.mid-write"])
        #expect(child.waitUntilStopped(), "the build did not reach its first shard write: \(child.stderr)")
        let partial = Self.ingestNames(store)
        #expect(partial.count == 1 && partial.allSatisfy { $0.hasPrefix("\(child.pid)-") && $0.hasSuffix(".part") }, "\(partial)")
        #expect(try store.inspector.leases().map(\.name) == ["build:" + reference.key])

        Self.interrupt(child, with: signal)
        let run = try child.finish()
        #expect(run.signal == nil && run.status == status, "\(run)")
        #expect(run.stdout.isEmpty)
        #expect(run.stderrLines.filter { !$0.isEmpty } == ["loom: interrupted by \(name); what was being written was removed"], "\(run)")
        #expect(Self.ingestNames(store).isEmpty, "left in ingest/: \(Self.ingestNames(store))")
        #expect(try store.inspector.leases().isEmpty, "the interrupted build kept its lease")
        #expect(try store.inspector.artifacts().isEmpty)
        let report = try store.expectConsistent()
        #expect(report["collectable"]?["stale_ingest_files"]?.arrayValue?.isEmpty == true)

        let retry = try store.json("build", "llama-qv")
        #expect(retry["cached"] == .bool(false) && retry["waited"] == .bool(false))
        #expect(try store.inspector.artifacts() == [reference])
        #expect(try store.eventCount("lease.takeover") == 0, "the retry had to take a dead lease over")
    }

    @Test func anInterruptedBaseAddLeavesNothingAndCanBeRepeated() throws {
        let store = try CLIStore()
        let base = Fixtures.path("bases/llama-tiny")
        let child = try LoomChild(["base", "add", base, "--name", "llama-tiny"], store: store, environment: ["LOOM_FAULT_STOP": "ingest.mid-write"])
        #expect(child.waitUntilStopped(), "the registration did not reach its first write: \(child.stderr)")
        #expect(Self.ingestNames(store).count == 1)
        #expect(try store.inspector.leases().count == 1)

        Self.interrupt(child, with: SIGINT)
        let run = try child.finish()
        #expect(run.signal == nil && run.status == 130, "\(run)")
        #expect(Self.ingestNames(store).isEmpty, "left in ingest/: \(Self.ingestNames(store))")
        #expect(try store.inspector.leases().isEmpty)
        #expect(try store.json("ls", "bases").arrayValue?.isEmpty == true)

        try store.ok("base", "add", base, "--name", "llama-tiny")
        #expect(try store.json("ls", "bases").arrayValue?.count == 1)
    }

    /// A builder killed mid-write (no handler runs) leaves its `.part` file; its pid is gone, so verify
    /// lists it as collectable and `gc` with the default grace (1 h) removes it at once.
    @Test func aKilledWritersPartialFileIsCollectableAtOnce() throws {
        let store = try StoreTemplates.shared.copy(.registered)
        try store.crash(["build", "llama-qv"], at: "ingest.mid-write")
        let partial = Self.ingestNames(store)
        #expect(partial.count == 1 && partial.allSatisfy { $0.hasSuffix(".part") }, "\(partial)")
        let path = store.path + "/ingest/" + (partial.first ?? "")

        let report = try store.expectConsistent()
        #expect(report["collectable"]?["stale_ingest_files"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == [path])
        let gc = try store.json("gc")
        #expect(gc["ingest"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == [path], "\(gc)")
        #expect(gc["ingest"]?.arrayValue?.first?["reason"]?.stringValue == "abandoned ingest file, its writer is gone")
        #expect(Self.ingestNames(store).isEmpty)
        #expect(try store.inspector.leases().isEmpty, "gc did not drop the dead builder's lease")
    }
}
