#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SafetensorsLayout {
    /// Writes a complete safetensors file in one go: a convenience for tests and benchmarks.
    ///
    /// Creates or truncates `path` (mode 0644) and writes the header then each tensor's bytes. Plain
    /// writes: no temporary file, no `fsync`, no atomic rename (the store does those for real outputs).
    /// On error the file may be left partial.
    ///
    /// - Throws: the errors of ``init(tensors:metadata:)``,
    ///   ``SafetensorsError/tensorDataSizeMismatch(tensor:expected:actual:)`` when `bytes` is not
    ///   shape × dtype size (checked before the file is created), ``SafetensorsError/writeFailed(path:errno:)``.
    /// - Returns: the layout that was written.
    @discardableResult
    public static func write(
        to path: String,
        tensors: [(name: String, dtype: DType, shape: [Int], bytes: [UInt8])],
        metadata: [(key: String, value: String)]? = nil
    ) throws(SafetensorsError) -> SafetensorsLayout {
        let layout = try SafetensorsLayout(tensors: tensors.map { ($0.name, $0.dtype, $0.shape) }, metadata: metadata)
        for (entry, tensor) in zip(layout.entries, tensors) where entry.byteCount != tensor.bytes.count {
            throw .tensorDataSizeMismatch(tensor: entry.name, expected: entry.byteCount, actual: tensor.bytes.count)
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .writeFailed(path: path, errno: errno) }
        defer { _ = close(fd) }
        try writeAll(fd, layout.headerBytes, path: path)
        for tensor in tensors {
            try writeAll(fd, tensor.bytes, path: path)
        }
        return layout
    }
}

/// Writes all of `bytes` to `fd`, retrying short writes and `EINTR`; throws with the failing errno.
///
/// At file scope so that `write` means the system call, not ``SafetensorsLayout/write(to:tensors:metadata:)``.
private func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(SafetensorsError) {
    let code: Int32 = bytes.withUnsafeBytes { buffer in
        var done = 0
        while done < buffer.count {
            guard let base = buffer.baseAddress else { return 0 }
            let n = write(fd, base + done, buffer.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            done += n
        }
        return 0
    }
    guard code == 0 else { throw .writeFailed(path: path, errno: code) }
}
