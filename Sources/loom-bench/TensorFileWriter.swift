import Safetensors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes safetensors files of generated values through one reusable buffer, in large sequential writes.
///
/// Values come from a xorshift64 generator seeded once, so the same sequence of calls writes the same
/// bytes on every machine. Memory is the buffer (8 MiB) plus the header, whatever the file size. Not
/// thread-safe: one writer per thread.
final class TensorFileWriter {
    /// How a tensor's values are produced.
    enum Fill: Sendable {
        /// Uniform in [-scale, scale), truncated to the dtype.
        case random(scale: Float)
        /// Every element 1.0 (norm weights).
        case ones
    }

    /// One tensor to write: bf16 or f32 only.
    struct Spec: Sendable {
        let name: String
        let dtype: DType
        let shape: [Int]
        let fill: Fill
    }

    private var state: UInt64
    private let buffer: UnsafeMutableRawBufferPointer
    private var used = 0
    private var fd: Int32 = -1
    private var path = ""

    /// A writer whose generator starts at `seed` (not zero).
    init(seed: UInt64, bufferBytes: Int = 8 << 20) {
        state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed
        buffer = .allocate(byteCount: bufferBytes, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// Creates (or truncates) `path` and writes a complete safetensors file with `tensors` in order and
    /// `__metadata__` `{"format": "pt"}`, as `safetensors.torch.save_file` would.
    ///
    /// - Returns: the file's size in bytes.
    /// - Throws: ``BenchError`` when the layout is invalid, a dtype is not bf16 or f32, or a write fails.
    @discardableResult
    func write(path: String, tensors: [Spec]) throws -> Int {
        let layout: SafetensorsLayout
        do {
            layout = try SafetensorsLayout(tensors: tensors.map { ($0.name, $0.dtype, $0.shape) }, metadata: [("format", "pt")])
        } catch {
            throw BenchError("cannot lay out \(path): \(error)")
        }
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw BenchError("cannot create \(path): \(String(cString: strerror(errno)))") }
        self.path = path
        defer {
            close(fd)
            fd = -1
        }
        used = 0
        try layout.headerBytes.withUnsafeBytes { try writeAll($0) }
        for spec in tensors {
            guard spec.dtype == .bf16 || spec.dtype == .f32 else { throw BenchError("\(spec.name): only BF16 and F32 are generated") }
            var remaining = spec.shape.reduce(1, *)
            let size = spec.dtype.byteSize
            while remaining > 0 {
                if used == buffer.count { try flush() }
                let n = min(remaining, (buffer.count - used) / size)
                fill(buffer.baseAddress! + used, count: n, dtype: spec.dtype, fill: spec.fill)
                used += n * size
                remaining -= n
            }
        }
        try flush()
        return layout.fileSize
    }

    /// Writes `count` elements at `start`. A plain loop over unsafe pointers so that it vectorises.
    private func fill(_ start: UnsafeMutableRawPointer, count: Int, dtype: DType, fill: Fill) {
        var s = state
        switch (fill, dtype) {
        case (.ones, .bf16):
            start.assumingMemoryBound(to: UInt16.self).update(repeating: 0x3F80, count: count)
        case (.ones, _):
            start.assumingMemoryBound(to: Float.self).update(repeating: 1, count: count)
        case (.random(let scale), .bf16):
            let out = start.assumingMemoryBound(to: UInt16.self)
            let step = 2 * scale / Float(1 << 24)
            var i = 0
            while i < count {
                s ^= s << 13
                s ^= s >> 7
                s ^= s << 17
                // Two 24-bit uniforms per step; bf16 is the top half of the float (truncation).
                out[i] = UInt16(truncatingIfNeeded: (Float(UInt32(truncatingIfNeeded: s) >> 8) * step - scale).bitPattern >> 16)
                if i + 1 < count {
                    out[i + 1] = UInt16(truncatingIfNeeded: (Float(UInt32(truncatingIfNeeded: s >> 40)) * step - scale).bitPattern >> 16)
                }
                i += 2
            }
        case (.random(let scale), _):
            let out = start.assumingMemoryBound(to: Float.self)
            let step = 2 * scale / Float(1 << 24)
            for i in 0..<count {
                s ^= s << 13
                s ^= s >> 7
                s ^= s << 17
                out[i] = Float(UInt32(truncatingIfNeeded: s) >> 8) * step - scale
            }
        }
        state = s
    }

    private func flush() throws {
        try writeAll(UnsafeRawBufferPointer(rebasing: buffer[0..<used]))
        used = 0
    }

    /// Writes all of `bytes`, retrying short writes and EINTR.
    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = systemWrite(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            done += n
        }
    }
}

/// A failure of the benchmark itself (not a FAIL against a target), with a message for the user.
struct BenchError: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) { description = message }
}

/// The `write(2)` system call, at file scope so that the name does not resolve to a method.
private func systemWrite(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, bytes, count)
}
