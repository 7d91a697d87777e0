import Merge

/// Streams one tensor into a shard: a copy, a dtype conversion, or a merge computation, in blocks
/// that bound memory (4 MiB of float32, or 1 MiB of float64, at a time) and let hashing overlap with the work.
enum TensorStreamer {
    /// Elements per conversion chunk.
    static let blockElements = 1 << 20
    /// Elements per merge row block (float64): small enough that the block stays in L2 while it is
    /// converted, updated, checked and rounded, since each of those passes would otherwise go to memory.
    static let computeBlockElements = 1 << 17
    /// Bytes per raw copy chunk.
    static let copyChunk = 8 << 20

    /// Writes `bytes` (stored as `from`) as `to`: bit for bit when the dtypes agree, else converted
    /// (rounded once). A value that was finite but overflows the output dtype stops the build.
    static func copy(
        _ bytes: UnsafeRawBufferPointer, from: String, to: String, name: String, into sink: inout ShardSink
    ) throws {
        if from == to {
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + copyChunk, bytes.count)
                try sink.write(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                offset = end
            }
            return
        }
        guard let inSize = Conversion.byteSize(from), let outSize = Conversion.byteSize(to) else {
            throw RegistryError.internal("cannot convert \(name) from \(from) to \(to)")
        }
        let count = bytes.count / inSize
        var floats = [Float](repeating: 0, count: min(blockElements, max(count, 1)))
        var out = [UInt8](repeating: 0, count: floats.count * outSize)
        var start = 0
        while start < count {
            let end = min(start + blockElements, count)
            let n = end - start
            try floats.withUnsafeMutableBufferPointer { f in
                try Conversion.convert(bytes, dtype: from, elements: start..<end, into: f)
                let converted = UnsafeBufferPointer(rebasing: f[0..<n])
                if let bad = try out.withUnsafeMutableBytes({ o in try Conversion.round(converted, to: to, into: o) }),
                    let overflow = firstOverflow(converted, from: bad, to: to)
                {
                    throw MergeError(.nonFinite, "tensor \(name) overflows \(to) when converted (element \(start + overflow) is \(converted[overflow]))")
                }
            }
            try out.withUnsafeBytes { o in try sink.write(UnsafeRawBufferPointer(rebasing: o[0..<(n * outSize)])) }
            start = end
        }
    }

    /// The first index at or after `from` whose input is finite but rounds to infinity in `dtype`.
    /// Inputs that were already NaN or Inf are converted as they are: only new non-finite values count.
    private static func firstOverflow(_ values: UnsafeBufferPointer<Float>, from: Int, to dtype: String) -> Int? {
        // Smallest magnitudes that round to infinity (round to nearest even at the top binade).
        let limit: Float = dtype == "F16" ? 65520 : dtype == "BF16" ? Float(bitPattern: 0x7F7F_8000) : .infinity
        for i in from..<values.count where values[i].isFinite && abs(values[i]) >= limit {
            return i
        }
        return nil
    }

    /// Computes a planned tensor block by block in float64, checks every value is finite, rounds once, writes.
    static func compute(
        _ computation: TensorComputation, source: UnsafeRawBufferPointer, sourceDType: String, outputDType: String,
        into sink: inout ShardSink
    ) throws {
        let rows = computation.plan.rows
        let columns = max(computation.plan.columns, 1)
        let name = computation.plan.name
        guard let outSize = Conversion.byteSize(outputDType) else { throw RegistryError.internal("cannot write \(name) as \(outputDType)") }
        let rowsPerBlock = computation.needsWholeTensor ? rows : max(1, min(rows, computeBlockElements / columns))
        var block = [Double](repeating: 0, count: rowsPerBlock * columns)
        var out = [UInt8](repeating: 0, count: rowsPerBlock * columns * outSize)
        var row = 0
        while row < rows {
            let end = min(row + rowsPerBlock, rows)
            let n = (end - row) * columns
            try block.withUnsafeMutableBufferPointer { b in
                try computation.computeRows(row..<end, source: source, sourceDType: sourceDType, into: b)
                let values = UnsafeBufferPointer(rebasing: b[0..<n])
                if let bad = Conversion.firstNonFinite(values) {
                    throw MergeError(.nonFinite, "merged tensor \(name) is not finite: element \(row * columns + bad) is \(values[bad]) (a zero DoRA norm, or NaN/Inf in an input?)")
                }
                if let bad = try out.withUnsafeMutableBytes({ o in try Conversion.round(values, to: outputDType, into: o) }) {
                    throw MergeError(.nonFinite, "merged tensor \(name) overflows \(outputDType): element \(row * columns + bad) is \(values[bad])")
                }
            }
            try out.withUnsafeBytes { o in try sink.write(UnsafeRawBufferPointer(rebasing: o[0..<(n * outSize)])) }
            row = end
        }
    }
}
