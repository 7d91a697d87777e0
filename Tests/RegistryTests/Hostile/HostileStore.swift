import Foundation
import LoomTesting
import Safetensors
import Testing

@testable import Registry

/// One hostile case's world: a fresh temporary store (with llama-tiny registered when an adapter needs
/// a base), scratch copies of fixtures to damage, and the check that a refusal stored nothing.
///
/// Set `LOOM_HOSTILE_MESSAGES=1` to print every refusal's message (the test name, then the message).
final class HostileStore {
    let harness: RegistryHarness

    var registry: Registry { harness.registry }

    /// A fresh store; `withBase` registers llama-tiny (adapters resolve it from `base_model_name_or_path`).
    init(withBase: Bool = true) throws {
        harness = try RegistryHarness()
        if withBase { try harness.addBase("llama-tiny") }
    }

    /// What a refusal must leave exactly as it was: the catalog listing, `blobs/`, `ingest/`, the event count.
    struct Snapshot {
        var state: RegistryHarness.StoreState
        var events: Int
    }

    func snapshot() throws -> Snapshot {
        Snapshot(state: try harness.state(), events: try harness.events().count)
    }

    /// Records an issue when the store differs from `snapshot`.
    func expectUnchanged(since snapshot: Snapshot, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(try harness.state() == snapshot.state, "the refusal changed the store", sourceLocation: sourceLocation)
        #expect(try harness.events().count == snapshot.events, "the refusal wrote an event", sourceLocation: sourceLocation)
    }

    /// Runs `body` expecting a ``RegistryError`` of `kind` whose message is one line containing every
    /// part, then checks that the store is exactly as it was before (``expectUnchanged(since:sourceLocation:)``).
    @discardableResult
    func refuse(
        _ kind: RegistryError.Kind = .invalid, mentioning parts: [String], sourceLocation: SourceLocation = #_sourceLocation,
        _ body: (Registry) throws -> Void
    ) throws -> RegistryError? {
        let before = try snapshot()
        let registry = registry
        let error = expectRegistryError(kind, mentioning: parts, sourceLocation: sourceLocation) { try body(registry) }
        try expectUnchanged(since: before, sourceLocation: sourceLocation)
        if let error, ProcessInfo.processInfo.environment["LOOM_HOSTILE_MESSAGES"] != nil {
            print("hostile: \(Test.current?.name ?? "?") → \(error.message)")
        }
        return error
    }

    /// ``refuse(_:mentioning:sourceLocation:_:)`` for `registerBase(directory:name:)`.
    @discardableResult
    func refuseBase(
        _ directory: String, name: String = "hostile", _ kind: RegistryError.Kind = .invalid, mentioning parts: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RegistryError? {
        try refuse(kind, mentioning: parts, sourceLocation: sourceLocation) { _ = try $0.registerBase(directory: directory, name: name) }
    }

    /// ``refuse(_:mentioning:sourceLocation:_:)`` for `registerAdapter(directory:name:base:)`.
    @discardableResult
    func refuseAdapter(
        _ directory: String, name: String = "hostile", base: String? = nil, _ kind: RegistryError.Kind = .invalid,
        mentioning parts: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RegistryError? {
        try refuse(kind, mentioning: parts, sourceLocation: sourceLocation) {
            _ = try $0.registerAdapter(directory: directory, name: name, base: base.map { Reference(name: $0) })
        }
    }

    // MARK: - Scratch directories

    /// A scratch copy of llama-tiny named `name`.
    func baseCopy(_ name: String) throws -> String {
        try harness.copyFixture("bases/llama-tiny", to: name)
    }

    /// A scratch copy of fixture adapter `fixture` named `name`.
    func adapterCopy(_ name: String, of fixture: String = "llama-qv") throws -> String {
        try harness.copyFixture("adapters/\(fixture)", to: name)
    }

    /// A copy of llama-tiny whose `model.safetensors` holds `bytes`.
    func baseWithWeights(_ bytes: [UInt8], in name: String) throws -> String {
        let directory = try baseCopy(name)
        try write(bytes, to: directory + "/model.safetensors")
        return directory
    }

    /// A copy of llama-qv whose `adapter_model.safetensors` holds `bytes`.
    func adapterWithWeights(_ bytes: [UInt8], in name: String) throws -> String {
        let directory = try adapterCopy(name)
        try write(bytes, to: directory + "/adapter_model.safetensors")
        return directory
    }

    /// A copy of llama-qv whose tensors are rewritten by `edit` (a valid file again, written by loom's writer).
    func adapterWithTensors(in name: String, of fixture: String = "llama-qv", _ edit: (inout [Crafted.Tensor]) throws -> Void) throws -> String {
        let directory = try adapterCopy(name, of: fixture)
        let path = directory + "/adapter_model.safetensors"
        var tensors = try Crafted.tensors(of: path)
        try edit(&tensors)
        try SafetensorsLayout.write(to: path, tensors: tensors, metadata: [(key: "format", value: "pt")])
        return directory
    }

    /// A copy of llama-qv whose adapter_config.json holds `text`.
    func adapterWithConfig(_ text: String, in name: String) throws -> String {
        let directory = try adapterCopy(name)
        try write(Array(text.utf8), to: directory + "/adapter_config.json")
        return directory
    }

    func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }
}

/// Hand-made safetensors bytes and tensor lists.
enum Crafted {
    typealias Tensor = (name: String, dtype: DType, shape: [Int], bytes: [UInt8])

    /// An adapter key llama-tiny accounts for: F32 `[8, 64]` is 2048 bytes.
    static let qA = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight"
    static let qB = "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"
    static let vA = "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight"

    /// The 8-byte little-endian `length` (default: the header's size), the header, the data.
    static func file(length: UInt64? = nil, header: [UInt8], data: [UInt8] = []) -> [UInt8] {
        let n = length ?? UInt64(header.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: n >> (8 * UInt64($0))) } + header + data
    }

    /// A file whose header is `json` padded with spaces to a multiple of 8, followed by `dataSize` bytes
    /// of small finite floats' bit patterns (zeros).
    static func file(json: String, dataSize: Int = 0) -> [UInt8] {
        var header = Array(json.utf8)
        header += repeatElement(0x20, count: (8 - header.count % 8) % 8)
        return file(header: header, data: [UInt8](repeating: 0, count: dataSize))
    }

    /// One header entry's JSON text.
    static func entry(_ dtype: String = "F32", shape: String = "[8,64]", offsets: String) -> String {
        #"{"dtype":"\#(dtype)","shape":\#(shape),"data_offsets":\#(offsets)}"#
    }

    /// Every tensor of the file at `path`, with its bytes.
    static func tensors(of path: String) throws -> [Tensor] {
        let file = try SafetensorsFile(path: path)
        defer { file.close() }
        return file.header.tensors.map { ($0.name, $0.dtype, $0.shape, Array(file.bytes(of: $0))) }
    }

    /// `tensor` with the element at `index` replaced by the bit pattern `bits` (little-endian, the dtype's width).
    static func poke(_ tensor: inout Tensor, index: Int, bits: UInt64) {
        let width = tensor.dtype.byteSize
        for i in 0..<width { tensor.bytes[index * width + i] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(i))) }
    }
}
