import Foundation
import LoomJSON
import Testing

/// The real `loom rm` killed (SIGKILL) at every fault point on its path: the removal happened entirely or
/// not at all, verify stays clean (rm deletes rows only; the blobs wait for gc), the artifacts built from
/// the removed inputs stay whole, and the command run again leaves the rows gone.
@Suite(.serialized) struct CrashRemoveTests {
    /// A removal and the refs it removes.
    struct Removal: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var removed: [String]
        var testDescription: String { "rm " + arguments.joined(separator: " ") }
    }

    static let removals = [
        Removal(arguments: ["adapter", "llama-qv@1"], removed: ["llama-qv@1"]),
        Removal(arguments: ["base", "llama-tiny@1", "--cascade"], removed: ["llama-tiny@1", "llama-qv@1", "llama-qv-b@1"]),
    ]

    /// Every point of `loom rm`, and whether the removal is committed when it fires.
    static let points: [(String, Bool)] = [("catalog.before-commit", false), ("catalog.after-commit", true), ("rm.after-commit", true)]

    static var cases: [(Removal, String, Bool)] {
        removals.flatMap { removal in points.map { (removal, $0.0, $0.1) } }
    }

    /// Every `name@version` registered, bases and adapters.
    static func refs(_ store: CLIStore) throws -> Set<String> {
        let listing = try store.json("ls")
        let records = (listing["bases"]?.arrayValue ?? []) + (listing["adapters"]?.arrayValue ?? [])
        return Set(records.compactMap { $0["ref"]?.stringValue })
    }

    @Test(arguments: cases)
    func aKilledRemovalIsAllOrNothingAndTheRetryLeavesTheRowsGone(removal: Removal, point: String, committed: Bool) throws {
        let store = try StoreTemplates.shared.copy(.built)
        let before = try Self.refs(store)
        let blobsBefore = store.inspector.blobFiles()

        try store.crash(["rm"] + removal.arguments, at: point)
        let after = try Self.refs(store)
        #expect(after == (committed ? before.subtracting(removal.removed) : before))
        #expect(store.inspector.blobFiles() == blobsBefore, "rm touched blobs")
        try store.expectConsistent()
        try store.expectArtifactsComplete()

        let retry = try store.loom(["rm"] + removal.arguments)
        if committed {
            // Already gone: rm says so, naming it, and changes nothing.
            #expect(retry.status == 2 && retry.stderrLines.count == 1, "\(retry)")
            #expect(retry.stderr.contains("not found") && retry.stderr.contains(removal.removed[0]), "\(retry)")
        } else {
            #expect(retry.status == 0, "\(retry)")
        }
        #expect(try Self.refs(store) == before.subtracting(removal.removed))
        #expect(try store.eventCount(removal.arguments[0] + ".rm") == 1)
        try store.expectConsistent()
        // Artifacts name their inputs by digest: the one built from the removed rows is still whole and cached.
        try store.expectArtifactsComplete()
        #expect(try store.inspector.artifacts() == [StoreTemplates.shared.reference()])
    }
}
