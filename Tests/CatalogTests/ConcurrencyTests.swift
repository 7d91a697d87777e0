import Catalog
import Foundation
import Testing

@Suite struct ConcurrencyTests {
    @Test func twoCatalogsOnOneFileRegisterConcurrently() async throws {
        let dir = TestDirectory()
        // Two pools on one file behave like two processes: separate connections, shared locks.
        let first = try Fixture.open(dir)
        let second = try Catalog.open(path: Fixture.catalogPath(dir), logger: Fixture.logger)
        let threads = 4
        let perThread = 5
        let outcomes = await withTaskGroup(of: [Result<BaseRecord, any Error>].self) { group in
            for t in 0..<threads {
                let catalog = t % 2 == 0 ? first : second
                group.addTask {
                    (0..<perThread).map { i in
                        // Each thread writes a shared name too, so versions are contended.
                        Result { try Fixture.registerBase(catalog, i % 2 == 0 ? "shared" : "t\(t)", manifest: "t\(t)i\(i)") }
                    }
                }
            }
            var all: [Result<BaseRecord, any Error>] = []
            for await results in group { all += results }
            return all
        }
        let records = outcomes.compactMap { try? $0.get() }
        #expect(records.count == threads * perThread)
        let bases = try first.bases()
        #expect(bases.count == threads * perThread)
        #expect(Set(bases.map(\.reference)).count == bases.count)
        let shared = bases.filter { $0.name == "shared" }.map(\.version).sorted()
        #expect(shared == Array(1...shared.count))
        #expect(try second.verifyChain() == [])
        #expect(try first.events().map(\.seq) == Array(1...Int64(threads * perThread)))
        #expect(try first.integrityCheck() == [])
    }
}
