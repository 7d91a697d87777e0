/// Finds NaN and infinity in stored tensor bytes by their bit patterns (exponent all ones).
///
/// Pure and thread-safe. Works on any alignment: values are loaded unaligned.
public enum FiniteScan {
    /// The index of the first element that is NaN or ±Inf, or nil when all are finite (or the dtype is
    /// not floating-point).
    ///
    /// - Parameter dtype: a safetensors dtype name (`F32`, `F16`, `BF16`, `F64`).
    public static func firstNonFinite(_ bytes: UnsafeRawBufferPointer, dtype: String) -> Int? {
        switch dtype {
        case "F32": return scan(bytes, as: UInt32.self, mask: 0x7F80_0000)
        case "F16": return scan(bytes, as: UInt16.self, mask: 0x7C00)
        case "BF16": return scan(bytes, as: UInt16.self, mask: 0x7F80)
        case "F64": return scan(bytes, as: UInt64.self, mask: 0x7FF0_0000_0000_0000)
        default: return nil
        }
    }

    private static func scan<T: FixedWidthInteger>(_ bytes: UnsafeRawBufferPointer, as: T.Type, mask: T) -> Int? {
        let count = bytes.count / MemoryLayout<T>.size
        guard let base = bytes.baseAddress else { return nil }
        // Blocks keep the common (all finite) case a branch-free, vectorisable OR-reduction.
        let block = 4096
        var start = 0
        while start < count {
            let end = min(start + block, count)
            var hits = 0
            for i in start..<end {
                let v = base.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                hits &+= (v & mask == mask) ? 1 : 0
            }
            if hits > 0 {
                for i in start..<end {
                    let v = base.loadUnaligned(fromByteOffset: i * MemoryLayout<T>.size, as: T.self)
                    if v & mask == mask { return i }
                }
            }
            start = end
        }
        return nil
    }
}
