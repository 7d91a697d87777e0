import Foundation
import LoomTesting
import Testing

/// docs/fault-points.md, the sources and the crash tests name the same fault points: a point added to the
/// code must be documented and crash-tested, and a documented point must exist.
@Suite struct FaultPointCoverageTests {
    /// Every `Fault.point("…")` name under Sources/.
    static func pointsInSources() throws -> Set<String> {
        let root = Fixtures.packageRoot + "/Sources"
        var names = Set<String>()
        for relative in FileManager.default.subpaths(atPath: root) ?? [] where relative.hasSuffix(".swift") {
            let text = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
            for match in text.matches(of: #/Fault\.point\("([a-z.-]+)"\)/#) { names.insert(String(match.1)) }
        }
        return names
    }

    /// The first column of the table under "## Every point" in docs/fault-points.md.
    static func pointsInDocs() throws -> Set<String> {
        let text = try String(contentsOfFile: Fixtures.packageRoot + "/docs/fault-points.md", encoding: .utf8)
        guard let start = text.range(of: "## Every point") else { return [] }
        let table = String(text[start.upperBound...]).components(separatedBy: "\n## ").first ?? ""
        return Set(table.matches(of: #/\n\| `([a-z.-]+)` \|/#).map { String($0.1) })
    }

    /// Every point a crash test of the CLI arms (without its `#N`), plus those of `base add`'s crash tests
    /// (RegistryTests, which this target cannot see; the same names are armed on `build`'s path here too).
    static var pointsTested: Set<String> {
        let armed = CrashBuildTests.points.map(\.0) + CrashGCTests.points.map(\.0) + CrashRemoveTests.points.map(\.0)
            + CrashMaterializeTests.cases.map(\.0) + CrashAdapterAddTests.points.map(\.0)
        return Set(armed.map { String($0.split(separator: "#")[0]) })
    }

    @Test func theDocsListExactlyThePointsInTheSources() throws {
        let sources = try Self.pointsInSources()
        let docs = try Self.pointsInDocs()
        #expect(!sources.isEmpty)
        #expect(sources.subtracting(docs).isEmpty, "not in docs/fault-points.md: \(sources.subtracting(docs).sorted())")
        #expect(docs.subtracting(sources).isEmpty, "documented but not in the sources: \(docs.subtracting(sources).sorted())")
    }

    @Test func everyPointIsArmedByACrashTest() throws {
        let untested = try Self.pointsInSources().subtracting(Self.pointsTested)
        #expect(untested.isEmpty, "no crash test arms \(untested.sorted())")
    }
}
