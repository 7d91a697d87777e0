import Foundation
import LoomTesting
import Safetensors

/// Writes small PEFT-format adapter directories for semantics the fixtures do not cover, and computes
/// expected merges in float64 (an independent, naive reimplementation of the formulas).
enum SyntheticAdapter {
    struct Tensor {
        var name: String
        var shape: [Int]
        var values: [Float]
    }

    /// A deterministic pseudo-random tensor with values in ±scale.
    static func random(_ name: String, _ shape: [Int], seed: UInt64, scale: Float = 0.1) -> Tensor {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        let values = (0..<shape.reduce(1, *)).map { _ -> Float in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return (Float(state % 2_000_001) / 1_000_000 - 1) * scale
        }
        return Tensor(name: name, shape: shape, values: values)
    }

    /// Writes `adapter_config.json` (the given JSON text) and `adapter_model.safetensors` (F32) into a new directory.
    static func write(in parent: TemporaryDirectory, name: String, config: String, tensors: [Tensor]) throws -> String {
        let dir = parent.file(name)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try Data(config.utf8).write(to: URL(fileURLWithPath: dir + "/adapter_config.json"))
        try SafetensorsLayout.write(
            to: dir + "/adapter_model.safetensors",
            tensors: tensors.map { t in
                (name: t.name, dtype: DType.f32, shape: t.shape, bytes: t.values.withUnsafeBytes { Array($0) })
            },
            metadata: [(key: "format", value: "pt")])
        return dir
    }

    /// `B·A` as doubles, `[out, in]` row-major.
    static func product(_ b: Tensor, _ a: Tensor) -> [Double] {
        let out = b.shape[0]
        let r = b.shape[1]
        let inF = a.shape[1]
        var result = [Double](repeating: 0, count: out * inF)
        for o in 0..<out {
            for k in 0..<r {
                let bv = Double(b.values[o * r + k])
                for i in 0..<inF { result[o * inF + i] += bv * Double(a.values[k * inF + i]) }
            }
        }
        return result
    }

    /// The transpose of a `[rows, cols]` matrix.
    static func transpose(_ m: [Double], rows: Int, cols: Int) -> [Double] {
        var t = [Double](repeating: 0, count: m.count)
        for i in 0..<rows {
            for j in 0..<cols { t[j * rows + i] = m[i * cols + j] }
        }
        return t
    }
}
