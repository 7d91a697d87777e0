import LoomCore
import SQLiteCatalog
import Foundation
import Testing

/// A process killed at `catalog.before-commit` leaves nothing; at `catalog.after-commit`, the whole write.
///
/// The parent test re-runs this test binary with `LOOM_FAULT` armed; the child test registers a base
/// and is killed by the fault point. Linux only (the child is started through /proc/self/exe).
@Suite struct FaultPointTests {
    static let childVariable = "LOOM_CATALOG_FAULT_CHILD"

    @Test(.enabled(if: ProcessInfo.processInfo.environment[childVariable] != nil))
    func childRegistersABase() throws {
        let path = try #require(ProcessInfo.processInfo.environment[Self.childVariable])
        let catalog = try SQLiteCatalog.open(path: path, logger: Fixture.logger)
        try Fixture.registerBase(catalog, "llama")
    }

    #if os(Linux)
    @Test(arguments: [("catalog.before-commit", false), ("catalog.after-commit", true)])
    func crashAtAFaultPointLeavesAllOrNothing(point: String, committed: Bool) throws {
        let dir = TestDirectory()
        _ = try Fixture.open(dir)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        child.arguments = ["--testing-library", "swift-testing", "--filter", "FaultPointTests/childRegistersABase"]
        var environment = ProcessInfo.processInfo.environment
        environment["LOOM_FAULT"] = point
        environment[Self.childVariable] = Fixture.catalogPath(dir)
        environment["SWIFT_BACKTRACE"] = "enable=no"
        child.environment = environment
        child.standardOutput = FileHandle.nullDevice
        child.standardError = FileHandle.nullDevice
        try child.run()
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal)
        #expect(child.terminationStatus == SIGKILL)
        let catalog = try Fixture.open(dir)
        #expect(try catalog.bases().count == (committed ? 1 : 0))
        #expect(try catalog.events().count == (committed ? 1 : 0))
        #expect(try catalog.verifyChain() == [])
        #expect(try catalog.integrityCheck() == [])
    }
    #endif
}
