import Foundation
import LoomJSON
import Testing

/// The real `loom build` killed while it (re)materializes `artifacts/<key>/` for a cached artifact whose
/// directory is missing or stale: the final path never shows a half-made directory, verify stays clean,
/// the next build returns the complete directory, and gc collects the leftovers.
///
/// (A crash at the same points during a first build is in ``CrashBuildTests``.)
@Suite(.serialized) struct CrashMaterializeTests {
    /// What is wrong with the directory before the build.
    enum Damage: Sendable {
        /// `artifacts/<hex>/` does not exist: the new one is renamed into place.
        case missing
        /// It exists with a link missing and a stray file: it is moved aside, then the new one renamed in.
        case stale
    }

    static let cases: [(String, Damage)] = [
        ("materialize.before-rename", .missing), ("materialize.after-rename", .missing),
        ("materialize.before-rename", .stale), ("materialize.mid-replace", .stale), ("materialize.after-rename", .stale),
    ]

    @Test(arguments: cases)
    func aKilledMaterializationNeverShowsAHalfDirectory(point: String, damage: Damage) throws {
        let store = try StoreTemplates.shared.copy(.built)
        let reference = try StoreTemplates.shared.reference()
        let directory = store.path + "/artifacts/" + reference.hex
        let fm = FileManager.default
        switch damage {
        case .missing:
            try fm.removeItem(atPath: directory)
        case .stale:
            try fm.removeItem(atPath: directory + "/model.safetensors")
            try Data("left here by hand".utf8).write(to: URL(fileURLWithPath: directory + "/notes.txt"))
        }

        try store.crash(["build", "llama-qv", "--json"], at: point)
        if fm.fileExists(atPath: directory) {
            let entries = Set(try fm.contentsOfDirectory(atPath: directory))
            let isStaleOne = damage == .stale && entries.contains("notes.txt")
            #expect(
                isStaleOne || store.inspector.directoryProblems(reference).isEmpty,
                "after a crash at \(point) the directory is neither the old one nor complete: \(entries.sorted())")
        } else {
            #expect(point != "materialize.after-rename", "the directory is missing after its rename")
        }
        try store.expectConsistent()

        let retry = try store.json("build", "llama-qv")
        #expect(retry["cached"] == .bool(true) && retry["key"]?.stringValue == reference.key)
        #expect(retry["path"]?.stringValue == directory)
        #expect(try store.inspector.artifacts() == [reference])
        try store.expectArtifactsComplete()

        // What the crash left beside it (`.tmp-*`, `.trash-*`) is garbage that gc collects.
        try store.ok("gc", "--grace", "0")
        #expect(try fm.contentsOfDirectory(atPath: store.path + "/artifacts") == [reference.hex])
        try store.expectArtifactsComplete()
        #expect(try store.eventCount("artifact.build") == 1)
    }
}
