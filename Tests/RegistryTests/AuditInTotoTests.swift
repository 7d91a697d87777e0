import LoomCore
import SQLiteCatalog
import Crypto
import Foundation
import LoomJSON
import Merge
import Testing

@testable import Registry

/// `audit --in-toto`: an in-toto Statement v1 with a SLSA Provenance v1 predicate, field by field.
@Suite struct AuditInTotoTests {
    let harness: RegistryHarness
    let built: BuildResult
    let statement: JSONValue

    init() throws {
        harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        try harness.addAdapter("llama-qv-b")
        built = try harness.registry.build(BuildRequest(
            target: .explicit(
                base: nil,
                adapters: [WeightedReference(reference: Reference(name: "llama-qv"), weight: 0.7),
                           WeightedReference(reference: Reference(name: "llama-qv-b"), weight: 0.3)])))
        guard case .artifact(let artifact, _) = try harness.registry.audit(built.artifact.key) else {
            throw RegistryError(.internal, "not an artifact")
        }
        // Parsed back from text, as a consumer of `loom audit --in-toto` would see it.
        statement = try JSONParser().parse(JSONWriter(indent: 2).bytes(InTotoStatement.statement(for: artifact)))
    }

    func keys(_ value: JSONValue?) -> [String] { value?.objectValue?.keys ?? [] }

    func isHex64(_ value: JSONValue?) -> Bool {
        guard let text = value?.stringValue else { return false }
        return text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    @Test func statementHeader() throws {
        #expect(keys(statement) == ["_type", "subject", "predicateType", "predicate"])
        #expect(statement["_type"] == "https://in-toto.io/Statement/v1")
        #expect(statement["predicateType"] == "https://slsa.dev/provenance/v1")
        #expect(keys(statement["predicate"]) == ["buildDefinition", "runDetails"])
    }

    @Test func subjectsAreTheOutputFilesWithTheirSha256() throws {
        let subjects = try #require(statement["subject"]?.arrayValue)
        #expect(subjects.compactMap { $0["name"]?.stringValue } == (built.artifact.files ?? []).map(\.path))
        for subject in subjects {
            #expect(keys(subject) == ["name", "digest"] && keys(subject["digest"]) == ["sha256"])
            #expect(isHex64(subject["digest"]?["sha256"]))
            let name = try #require(subject["name"]?.stringValue)
            let bytes = try #require(FileManager.default.contents(atPath: built.path + "/" + name))
            let hex = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            #expect(subject["digest"]?["sha256"]?.stringValue == hex, "subject \(name)")
        }
    }

    @Test func buildDefinition() throws {
        let definition = try #require(statement["predicate"]?["buildDefinition"])
        #expect(keys(definition) == ["buildType", "externalParameters", "internalParameters", "resolvedDependencies"])
        #expect(definition["buildType"] == .string(InTotoStatement.buildType))
        let external = try #require(definition["externalParameters"])
        #expect(external["adapters"]?.arrayValue?.compactMap { $0["asked"]?.stringValue } == ["llama-qv:0.7", "llama-qv-b:0.3"])
        #expect(external["base"]?["name"] == "llama-tiny" && external["dtype"] == "bf16")
        #expect(definition["internalParameters"]?["engine_version"] == .string(built.artifact.engineVersion))

        let dependencies = try #require(definition["resolvedDependencies"]?.arrayValue)
        #expect(dependencies.compactMap { $0["name"]?.stringValue } == ["base:llama-tiny@1", "adapter:llama-qv@1", "adapter:llama-qv-b@1"])
        let catalog = try harness.registry.writableCatalog()
        let expected = [
            try #require(try catalog.base(name: "llama-tiny")).manifestDigest,
            try #require(try catalog.adapter(name: "llama-qv")).manifestDigest,
            try #require(try catalog.adapter(name: "llama-qv-b")).manifestDigest,
        ]
        #expect(dependencies.compactMap { $0["digest"]?["sha256"]?.stringValue.map { "sha256:" + $0 } } == expected)
        #expect(dependencies.allSatisfy { isHex64($0["digest"]?["sha256"]) })
        #expect(dependencies.dropFirst().map { $0["annotations"]?["weight"]?.doubleValue } == [0.7, 0.3])
    }

    @Test func runDetails() throws {
        let run = try #require(statement["predicate"]?["runDetails"])
        #expect(keys(run) == ["builder", "metadata"])
        #expect(run["builder"]?["id"] == .string("urn:loom:\(LoomVersion.current):engine:\(MergePlan.engineVersion)"))
        let metadata = try #require(run["metadata"])
        #expect(keys(metadata) == ["invocationId", "startedOn", "finishedOn"])
        #expect(metadata["invocationId"] == .string(built.artifact.key))
        let started = try #require(metadata["startedOn"]?.stringValue)
        let finished = try #require(metadata["finishedOn"]?.stringValue)
        #expect(ISO8601DateFormatter.withFractionalSeconds.date(from: started) != nil)
        #expect(started <= finished)
    }

    @Test func outputIsStable() throws {
        guard case .artifact(let again, _) = try harness.registry.audit(built.artifact.key) else { return }
        let first = JSONWriter(indent: 2).bytes(InTotoStatement.statement(for: again))
        let second = JSONWriter(indent: 2).bytes(InTotoStatement.statement(for: again))
        #expect(first == second)
        #expect(first == JSONWriter(indent: 2).bytes(statement))
    }
}

extension ISO8601DateFormatter {
    static var withFractionalSeconds: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
