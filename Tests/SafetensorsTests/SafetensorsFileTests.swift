import Foundation
import LoomTesting
import Safetensors
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Mapped files: fixtures, tensor views, page dropping, and paths that are not regular files.
@Suite struct SafetensorsFileTests {
    /// Every valid `.safetensors` fixture, relative to ``Fixtures/root`` (the `bad/` ones are excluded).
    static let validFixtures: [String] = {
        let enumerator = FileManager.default.enumerator(atPath: Fixtures.root)
        var found: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            if relative.hasSuffix(".safetensors"), !relative.hasPrefix("bad/") { found.append(relative) }
        }
        return found.sorted()
    }()

    @Test func fixturesAreFound() {
        // bases 2 + adapters 9 + reference 12 + exact 12
        #expect(Self.validFixtures.count == 35)
    }

    @Test(arguments: validFixtures)
    func everyFixtureParses(relative: String) throws {
        let path = Fixtures.path(relative)
        let file = try SafetensorsFile(path: path)
        let contents = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(file.fileSize == contents.count)
        #expect(!file.header.tensors.isEmpty)
        #expect(try SafetensorsFile.readHeader(atPath: path) == file.header)
        for tensor in file.header.tensors {
            #expect(Data(file.bytes(of: tensor)) == contents[file.header.fileRange(of: tensor)])
        }
    }

    @Test func llamaTinyHasThirtyTensors() throws {
        let file = try SafetensorsFile(path: Fixtures.path("bases/llama-tiny/model.safetensors"))
        #expect(file.header.tensors.count == 30)
        #expect(file.header.metadata?.map(\.key) == ["format"])
        #expect(file.header.metadataValue(forKey: "format") == "pt")
        let k = try #require(file.header.tensor(named: "model.layers.0.self_attn.k_proj.weight"))
        #expect(k.dtype == .bf16)
        #expect(k.shape == [32, 64])
        #expect(k.byteCount == 32 * 64 * 2)
        #expect(file.bytes(named: "model.layers.0.self_attn.k_proj.weight")?.count == k.byteCount)
        #expect(file.bytes(named: "no.such.tensor") == nil)
        let embed = try #require(file.header.tensor(named: "model.embed_tokens.weight"))
        #expect(embed.shape == [256, 64])
    }

    @Test func gpt2TinyIsFloat32() throws {
        let header = try SafetensorsFile.readHeader(atPath: Fixtures.path("bases/gpt2-tiny/model.safetensors"))
        #expect(header.tensors.count == 28)
        #expect(header.tensors.allSatisfy { $0.dtype == .f32 })
    }

    @Test func adapterHasLoraPairs() throws {
        let header = try SafetensorsFile.readHeader(atPath: Fixtures.path("adapters/llama-qv/adapter_model.safetensors"))
        #expect(header.tensors.count == 12)
        let a = try #require(header.tensor(named: "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"))
        #expect(a.dtype == .f32 && a.shape == [8, 64] && a.dataOffsets == 0..<2048)
    }

    @Test func droppedPagesReadBackUnchanged() throws {
        let path = Fixtures.path("bases/gpt2-tiny/model.safetensors")
        let file = try SafetensorsFile(path: path)
        file.adviseSequential()
        let before = file.header.tensors.map { Data(file.bytes(of: $0)) }
        for tensor in file.header.tensors { file.dropPages(of: tensor) }
        file.dropPages(for: 0..<file.fileSize)
        file.dropPages(for: -100..<Int.max)
        let after = file.header.tensors.map { Data(file.bytes(of: $0)) }
        #expect(before == after)
        #expect(Data(file.fileBytes) == (try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    @Test func closeIsIdempotent() throws {
        let file = try SafetensorsFile(path: Fixtures.path("adapters/llama-layers/adapter_model.safetensors"))
        #expect(file.header.tensors.count == 4)
        file.close()
        file.close()
        file.adviseSequential()
        file.dropPages(for: 0..<file.fileSize)
    }

    @Test func missingFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("absent.safetensors")
        #expect(throws: SafetensorsError.cannotOpen(path: path, errno: ENOENT)) { try SafetensorsFile(path: path) }
        #expect(throws: SafetensorsError.cannotOpen(path: path, errno: ENOENT)) { try SafetensorsFile.readHeader(atPath: path) }
    }

    @Test func directoryIsRefused() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: SafetensorsError.notRegularFile(path: directory.path)) { try SafetensorsFile(path: directory.path) }
        #expect(throws: SafetensorsError.notRegularFile(path: directory.path)) { try SafetensorsFile.readHeader(atPath: directory.path) }
    }

    @Test(.timeLimit(.minutes(1)))
    func fifoIsRefusedWithoutBlocking() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("pipe.safetensors")
        try #require(mkfifo(path, 0o600) == 0)
        // With no writer, opening the FIFO for reading would block forever: the refusal must come first.
        #expect(throws: SafetensorsError.notRegularFile(path: path)) { try SafetensorsFile(path: path) }
        #expect(throws: SafetensorsError.notRegularFile(path: path)) { try SafetensorsFile.readHeader(atPath: path) }
    }

    @Test func deviceIsRefused() {
        #expect(throws: SafetensorsError.notRegularFile(path: "/dev/zero")) { try SafetensorsFile(path: "/dev/zero") }
    }

    @Test func symlinkToARegularFileIsFollowed() throws {
        let directory = try TemporaryDirectory()
        let link = directory.file("link.safetensors")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: Fixtures.path("adapters/llama-qv/adapter_model.safetensors"))
        #expect(try SafetensorsFile.readHeader(atPath: link).tensors.count == 12)
    }
}
