import Foundation
import GRDB
import LoomJSON
import LoomTesting
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A build resolves its adapter, waits for the key's lease, and meanwhile the adapter is removed (and its
/// row id handed to a new registration). When the build gets the lease it must refuse with "not found", not
/// fail on the missing rows, and never merge the other adapter's files under the first one's key.
@Suite(.serialized) struct BuildRemovalRaceTests {
    /// The key `loom build llama-qv-b` gets on a registered store.
    static func key() throws -> String {
        let store = try StoreTemplates.shared.copy(.registered)
        return try #require(try store.json("build", "llama-qv-b")["key"]?.stringValue)
    }

    /// The row id of adapter `name`'s latest version.
    static func adapterID(_ store: CLIStore, _ name: String) throws -> Int64? {
        try store.inspector.database().read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM adapter WHERE name = ? ORDER BY version DESC", arguments: [name])
        }
    }

    @Test(arguments: [false, true])
    func aBuildWhoseAdapterIsRemovedWhileItWaitsRefusesWithNotFound(reuseTheID: Bool) throws {
        let store = try StoreTemplates.shared.copy(.registered)
        let key = try Self.key()
        let lease = "build:" + key
        try store.inspector.plantLease(
            name: lease, pid: Int64(getpid()), host: ConcurrentBuildTests.hostName, expiresAt: Date().addingTimeInterval(120))
        let scratch = try TemporaryDirectory(prefix: "loom-removal-race")
        let other = scratch.file("other")
        try FileManager.default.copyItem(atPath: Fixtures.path("adapters/llama-qv-b"), toPath: other)
        let config = try String(contentsOfFile: other + "/adapter_config.json", encoding: .utf8)
        let edited = config.replacingOccurrences(of: "\"lora_alpha\": 32", with: "\"lora_alpha\": 48")
        #expect(edited != config, "the fixture's lora_alpha changed: adapt the edit")
        try Data(edited.utf8).write(to: URL(fileURLWithPath: other + "/adapter_config.json"))

        let child = try LoomChild(["build", "llama-qv-b", "--json"], store: store)
        // Once the build has resolved llama-qv-b and found the lease held: remove the adapter (llama-qv-b has the
        // highest row id, so SQLite gives that id to the next adapter), register another, release the lease.
        let waiting = child.waitForStderr(containing: "loom: waiting for ")
        let id = try Self.adapterID(store, "llama-qv-b")
        try store.ok("rm", "adapter", "llama-qv-b")
        if reuseTheID {
            try store.ok("adapter", "add", other, "--name", "other")
            #expect(try Self.adapterID(store, "other") == id, "the new adapter did not get the removed one's row id")
        }
        try store.inspector.deleteLease(name: lease)
        let build = try child.finish()
        #expect(waiting, "the build did not wait, so it did not race the removal:\n\(build)")
        #expect(build.status == 2 && build.signal == nil, "\(build)")
        let refusal = build.stderrLines.filter { !$0.hasPrefix("loom: waiting for ") }
        #expect(refusal == ["loom: adapter llama-qv-b@1 was removed while this command was using it; nothing was written (run it again to use what is registered now)"], "\(build)")
        #expect(build.stdout.isEmpty)
        #expect(try store.inspector.artifacts().isEmpty, "an artifact was committed for a removed adapter")
        #expect(try store.inspector.leases().isEmpty)
        try store.expectConsistent()
    }
}
