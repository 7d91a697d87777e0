import LoomCore
import SQLiteCatalog
import Foundation
import Testing

@Suite struct ConcurrencyTests {
    /// Results collected from several threads.
    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<BaseRecord, any Error>] = []

        func append(_ result: Result<BaseRecord, any Error>) { lock.withLock { results.append(result) } }
        var all: [Result<BaseRecord, any Error>] { lock.withLock { results } }
    }

    @Test func twoCatalogsOnOneFileRegisterConcurrentlyFromSeveralThreads() throws {
        let dir = TestDirectory()
        // Two pools on one file behave like two processes: separate connections, shared file locks.
        let first = try Fixture.open(dir)
        let second = try SQLiteCatalog.open(path: Fixture.catalogPath(dir), logger: Fixture.logger)
        let threads = 6
        let perThread = 8
        let outcomes = Outcomes()
        let done = DispatchGroup()
        for t in 0..<threads {
            let catalog = t % 2 == 0 ? first : second
            done.enter()
            Thread {
                defer { done.leave() }
                for i in 0..<perThread {
                    // Every other registration uses a shared name, so versions are contended too.
                    let name = i % 2 == 0 ? "shared" : "t\(t)"
                    outcomes.append(Result { try Fixture.registerBase(catalog, name, manifest: "t\(t)i\(i)") })
                }
            }.start()
        }
        done.wait()
        let failures = outcomes.all.compactMap { result -> String? in
            if case .failure(let error) = result { return "\(error)" }
            return nil
        }
        #expect(failures == [])
        let bases = try first.bases()
        #expect(bases.count == threads * perThread)
        #expect(Set(bases.map(\.reference)).count == bases.count)
        let shared = bases.filter { $0.name == "shared" }.map(\.version).sorted()
        #expect(shared == Array(1...(threads * perThread / 2)))
        #expect(try second.verifyChain() == [])
        #expect(try first.events(limit: 10_000).map(\.seq) == Array(1...Int64(threads * perThread)))
        #expect(try first.integrityCheck() == [])
    }
}
