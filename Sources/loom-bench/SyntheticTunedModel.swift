import Foundation
import Safetensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A "fully fine-tuned" copy of the synthetic base for the extraction measure: every linear weight of
/// every layer plus a rank-8 change (entries of U and V uniform in ±0.05) and a little noise (±1e-4),
/// rounded to bf16; embeddings and norms unchanged. Seeded, so the same base gives the same bytes.
///
/// Written next to the base's inputs, one shard per base shard (same names, same index), streaming one
/// tensor at a time. Not thread-safe.
struct SyntheticTunedModel {
    static let changeRank = 8
    let base: SyntheticModel

    var directory: String { base.inputsDirectory + "/" + base.baseName + "-tuned" }
    private var marker: String { directory + "/.complete" }
    var isComplete: Bool { FileManager.default.fileExists(atPath: marker) }

    /// Writes the tuned copy from the generated base (which must exist).
    ///
    /// - Throws: ``BenchError`` when a base shard cannot be read or a file cannot be written.
    func generate(log: (String) -> Void) throws {
        let fm = FileManager.default
        try? fm.removeItem(atPath: directory)
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for name in [ShardIndex.fileName, "config.json"] where fm.fileExists(atPath: base.baseDirectory + "/" + name) {
                try fm.copyItem(atPath: base.baseDirectory + "/" + name, toPath: directory + "/" + name)
            }
        } catch {
            throw BenchError("cannot prepare \(directory): \(error.localizedDescription)")
        }
        var rng = XorShift(state: 0x5EED_0000_0000_0003)
        for name in base.shardNames {
            let file: SafetensorsFile
            do {
                file = try SafetensorsFile(path: base.baseDirectory + "/" + name)
            } catch {
                throw BenchError("cannot read \(name) of the synthetic base: \(error)")
            }
            defer { file.close() }
            guard let out = FileHandle(forWritingAtPath: directory + "/" + name) ?? {
                fm.createFile(atPath: directory + "/" + name, contents: nil) ? FileHandle(forWritingAtPath: directory + "/" + name) : nil
            }() else { throw BenchError("cannot create \(directory)/\(name)") }
            defer { try? out.close() }
            let layout: SafetensorsLayout
            do {
                layout = try SafetensorsLayout(tensors: file.header.tensors.map { ($0.name, $0.dtype, $0.shape) }, metadata: [("format", "pt")])
            } catch {
                throw BenchError("cannot lay out the tuned \(name): \(error)")
            }
            out.write(Data(layout.headerBytes))
            for t in file.header.tensors {
                let bytes = file.bytes(of: t)
                if t.dtype == .bf16, t.shape.count == 2, t.name.contains(".layers."), t.name.hasSuffix("_proj.weight") {
                    out.write(Self.perturbed(bytes, rows: t.shape[0], columns: t.shape[1], rng: &rng))
                } else {
                    out.write(Data(bytes))
                }
            }
            log("wrote tuned \(name)")
        }
        guard fm.createFile(atPath: marker, contents: Data()) else { throw BenchError("cannot write \(marker)") }
    }

    /// `w + U·V + noise` in float32, rounded to bf16 (nearest, ties to even).
    private static func perturbed(_ bytes: UnsafeRawBufferPointer, rows: Int, columns: Int, rng: inout XorShift) -> Data {
        let r = changeRank
        let u = (0..<(rows * r)).map { _ in rng.uniform(0.05) }
        let v = (0..<(r * columns)).map { _ in rng.uniform(0.05) }
        var out = Data(count: rows * columns * 2)
        out.withUnsafeMutableBytes { (dst: UnsafeMutableRawBufferPointer) in
            let src = bytes.bindMemory(to: UInt16.self)
            let o = dst.bindMemory(to: UInt16.self)
            var row = [Float](repeating: 0, count: columns)
            for i in 0..<rows {
                for j in 0..<columns { row[j] = Float(bitPattern: UInt32(UInt16(littleEndian: src[i * columns + j])) << 16) }
                for k in 0..<r {
                    let uk = u[i * r + k]
                    for j in 0..<columns { row[j] += uk * v[k * columns + j] }
                }
                for j in 0..<columns {
                    let x = row[j] + rng.uniform(1e-4)
                    let bits = x.bitPattern
                    let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
                    o[i * columns + j] = UInt16(truncatingIfNeeded: rounded >> 16).littleEndian
                }
            }
        }
        return out
    }
}

/// xorshift64: fast, seeded, the same sequence everywhere.
struct XorShift {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return state
    }

    /// Uniform in [-scale, scale).
    mutating func uniform(_ scale: Float) -> Float {
        (Float(next() >> 40) * 0x1p-24 * 2 - 1) * scale
    }
}
