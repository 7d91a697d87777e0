import BlobStore
import LoomCore
import SQLiteCatalog
import Foundation
import LoomJSON
import LoomTesting
import Testing

@testable import Registry

/// `audit`: finding an artifact by name, key or prefix, and every holder of a file.
@Suite struct AuditTests {
    let harness: RegistryHarness
    let built: BuildResult

    init() throws {
        harness = try RegistryHarness()
        try harness.addBase("llama-tiny")
        try harness.addAdapter("llama-qv")
        try harness.addAdapter("llama-qv-b")
        built = try harness.registry.build(BuildRequest(target: .named(Reference(name: "llama-qv"))))
    }

    var registry: Registry { harness.registry }

    func auditedArtifact(_ text: String) throws -> ArtifactRecord {
        guard case .artifact(let artifact, _) = try registry.audit(text) else {
            Issue.record("\(text) did not audit as an artifact")
            throw RegistryError(.internal, "not an artifact")
        }
        return artifact
    }

    func holders(_ path: String) throws -> [String] {
        guard case .file(let file) = try registry.audit(path) else {
            Issue.record("\(path) did not audit as a file")
            return []
        }
        return file.holders.map { holder in
            switch holder {
            case .artifact(let a, let path): "artifact \(a.key) \(path)"
            case .base(let b, let path): "base \(b.reference) \(path)"
            case .adapter(let a, let path): "adapter \(a.reference) \(path)"
            }
        }
    }

    @Test func byAdapterNameFindsTheArtifactItsBuildWouldReturn() throws {
        #expect(try auditedArtifact("llama-qv").key == built.artifact.key)
        #expect(try auditedArtifact("llama-qv@1").key == built.artifact.key)
    }

    @Test func byKeyBareHexAndPrefix() throws {
        let key = built.artifact.key
        let hex = String(key.dropFirst("sha256:".count))
        #expect(try auditedArtifact(key).key == key)
        #expect(try auditedArtifact(hex).key == key)
        #expect(try auditedArtifact(String(hex.prefix(12))).key == key)
        #expect(try auditedArtifact("sha256:" + hex.prefix(8)).files?.isEmpty == false)
    }

    @Test func anUnbuiltTargetIsNotFoundAndSaysHowToBuildIt() throws {
        #expect {
            try registry.audit("llama-qv-b")
        } throws: { error in
            let e = error as? RegistryError
            return e?.kind == .notFound && e?.message.contains("has not been built; run loom build llama-qv-b") == true
        }
        #expect(try registry.list().artifacts.count == 1)
    }

    @Test func aBaseNameIsRefused() throws {
        #expect(throws: RegistryError.self) { try registry.audit("llama-tiny") }
    }

    @Test func anUnknownNameIsNotFound() throws {
        #expect { try registry.audit("no-such-adapter") } throws: { ($0 as? RegistryError)?.kind == .notFound }
    }

    @Test func aFileInTheArtifactDirectoryFollowsItsLinkToTheArtifact() throws {
        #expect(try holders(built.path + "/model.safetensors") == ["artifact \(built.artifact.key) model.safetensors"])
    }

    @Test func aFileSharedWithTheBaseNamesEveryHolder() throws {
        #expect(
            try holders(built.path + "/generation_config.json")
                == ["artifact \(built.artifact.key) generation_config.json", "base llama-tiny@1 generation_config.json"])
    }

    @Test func aBaseFileOutsideTheStoreIsFoundByItsBytes() throws {
        #expect(try holders(Fixtures.path("bases/llama-tiny/model.safetensors")) == ["base llama-tiny@1 model.safetensors"])
        #expect(
            try holders(Fixtures.path("adapters/llama-qv/adapter_model.safetensors")) == ["adapter llama-qv@1 adapter_model.safetensors"])
    }

    @Test func aFileReportsItsDigestAndSize() throws {
        let path = Fixtures.path("bases/llama-tiny/config.json")
        guard case .file(let file) = try registry.audit(path) else { throw RegistryError(.internal, "not a file") }
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect(file.size == Int64(bytes.count))
        #expect(file.digest == Digest(hashing: Array(bytes)).description)
    }

    @Test func aFileNobodyHoldsIsNotFound() throws {
        let directory = try TemporaryDirectory(prefix: "loom-audit")
        let path = directory.file("other.bin")
        try Data("unrelated".utf8).write(to: URL(fileURLWithPath: path))
        #expect { try registry.audit(path) } throws: { ($0 as? RegistryError)?.kind == .notFound }
        #expect { try registry.audit(directory.path + "/missing") } throws: { ($0 as? RegistryError)?.kind == .notFound }
    }

    @Test func provenanceRecordsEverythingTheIssueAsksFor() throws {
        let result = try registry.build(BuildRequest(
            target: .explicit(
                base: Reference(name: "llama-tiny"),
                adapters: [WeightedReference(reference: Reference(name: "llama-qv"), weight: 0.7),
                           WeightedReference(reference: Reference(name: "llama-qv-b", version: 1), weight: 0.3)]),
            dtype: .f32))
        let p = try auditedArtifact(result.artifact.key).provenance
        let asked = try #require(p["asked"])
        #expect(asked["base"]?["asked"] == "llama-tiny" && asked["dtype_asked"] == "f32")
        #expect(asked["adapters"]?.arrayValue?.compactMap { $0["asked"]?.stringValue } == ["llama-qv:0.7", "llama-qv-b@1:0.3"])
        #expect(asked["adapters"]?.arrayValue?.allSatisfy { $0["digest"]?.stringValue?.hasPrefix("sha256:") == true } == true)
        #expect(p["base"]?["digest"]?.stringValue == result.artifact.baseDigest)
        for key in ["architecture", "model_type", "dtype"] { #expect(p["base"]?[key] != nil) }
        let adapters = try #require(p["adapters"]?.arrayValue)
        #expect(adapters.map { $0["weight"]?.doubleValue } == [0.7, 0.3])
        for adapter in adapters {
            for key in ["digest", "peft_type", "r", "lora_alpha", "use_rslora", "use_dora", "target_modules"] { #expect(adapter[key] != nil) }
        }
        #expect(p["dtype"] == "f32")
        for key in ["engine_version", "loom_version", "host", "user", "started_at", "finished_at"] {
            #expect(p[key]?.stringValue?.isEmpty == false, "provenance lacks \(key)")
        }
        let files = try #require(p["files"]?.arrayValue).map {
            FileEntry(path: $0["path"]?.stringValue ?? "", digest: $0["digest"]?.stringValue ?? "", size: $0["size"]?.int64Value ?? -1)
        }
        #expect(files == result.artifact.files)
    }
}
