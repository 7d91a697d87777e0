/// bitsandbytes' 4-bit NF4 quantization followed by its dequantization, as bitsandbytes 0.50 computes
/// it on CPU (spec §10.2): the weight the adapter of a QLoRA run was trained against. Pure; safe from any
/// thread.
///
/// In float32 throughout, from the weight already in the output dtype, flattened row-major:
/// 1. blocks of 64 values, absmax per block (a block of zeros: 1e-38), a final partial block on its own;
/// 2. scaled = clamp(x · (1/absmax), −1, 1); code = number of NF4 midpoints strictly below it
///    (`torch.bucketize`, right=False);
/// 3. double quant: offset = mean(absmax); absmax − offset quantized in blocks of 256 to the nearest value
///    of the signed 8-bit dynamic map (``DynamicMap``, first index on ties), dequantized as
///    code8·absmax₂ + offset;
/// 4. value = NF4[code] · absmax, rounded once to the output dtype by the caller.
///
/// Step 4 takes each value's scale the way bitsandbytes' AVX-512 CPU kernel does
/// (`dequantizeBlockwise4bitCpu`): for a matrix whose row length is a multiple of 16, the scale of column c of
/// row r is absmax[r·⌊columns/64⌋ + ⌊c/64⌋]. That is the flat block index whenever the row length is a
/// multiple of 64 (every real model), and differs otherwise; the fixtures were made on such a CPU, so the
/// adapters they hold were trained against it (`Tests/Fixtures/peft-v2`, `llama-q` with rows of 80).
/// The mean in step 3 is summed in float64 and rounded once: the fixtures' offsets match it, and the
/// remaining 0.06% of elements one ulp off in `qlora-nf4-bf16` do not move with the summation order.
public enum NF4RoundTrip {
    /// bitsandbytes' `_NF4_QUANT_TABLE`, ascending.
    static let values: [Float] = [
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
        -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
        0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
    ]
    /// Midpoints between neighbours, in float32.
    static let midpoints: [Float] = (0..<15).map { (values[$0] + values[$0 + 1]) / 2 }

    /// The round trip of a stored tensor, as bytes of `outputDType` (the tensor's W0 in a QLoRA build).
    ///
    /// - Parameters:
    ///   - source: the stored tensor; `dtype` its safetensors dtype name; `shape` its shape.
    ///   - outputDType: `F32`, `F16` or `BF16`: the weight is rounded to it before quantization (as the
    ///     base is loaded in the compute dtype) and the dequantized values are rounded to it once.
    /// - Throws: ``MergeError`` for a dtype that is not floating point, data shorter than the shape, or a
    ///   value that is not finite.
    public static func roundTrip(
        _ source: UnsafeRawBufferPointer, dtype: String, shape: [Int], to outputDType: String, options: QLoRAOptions
    ) throws(MergeError) -> [UInt8] {
        guard let outSize = Conversion.byteSize(outputDType) else { throw .unsupported("cannot write dtype \(outputDType)") }
        var x = try Conversion.toFloat(source, dtype: dtype)
        let count = shape.reduce(1, *)
        guard x.count >= count else { throw .invalid("tensor data is shorter than its shape says") }
        x.removeLast(x.count - count)
        var out = [UInt8](repeating: 0, count: count * outSize)
        if dtype != outputDType {
            // The base as the compute dtype holds it, which is what bitsandbytes quantizes.
            try round(x, to: outputDType, into: &out)
            x = try typed { try out.withUnsafeBytes { try Conversion.toFloat($0, dtype: outputDType) } }
        }
        if let bad = x.withUnsafeBufferPointer({ Conversion.firstNonFinite($0) }) {
            throw .invalid("cannot quantize a weight holding \(x[bad]) at element \(bad)")
        }
        let columns = shape.count >= 2 ? shape.dropFirst().reduce(1, *) : count
        let values = dequantized(x, columns: columns, options: options)
        try round(values, to: outputDType, into: &out)
        return out
    }

    /// Steps 1–4 in float32, before the rounding to the output dtype.
    static func dequantized(_ x: [Float], columns: Int, options: QLoRAOptions) -> [Float] {
        let blocksize = options.blocksize
        let absmax = blockAbsmax(x, blocksize: blocksize).map { max($0, 1e-38) }
        var codes = [UInt8](repeating: 0, count: x.count)
        for i in x.indices {
            let scaled = min(max(x[i] * (1 / absmax[i / blocksize]), -1), 1)
            var code: UInt8 = 0
            for m in midpoints where m < scaled { code += 1 }
            codes[i] = code
        }
        let scales = options.doubleQuant ? DynamicMap.roundTrip(absmax) : absmax
        let perRow = columns % 16 == 0 && columns > 0
        var out = [Float](repeating: 0, count: x.count)
        for i in x.indices {
            let index = perRow ? (i / columns) * (columns / blocksize) + (i % columns) / blocksize : i / blocksize
            out[i] = values[Int(codes[i])] * scales[index]
        }
        return out
    }

    /// max |x| of each block of `blocksize` values (the last one may be shorter).
    static func blockAbsmax(_ x: [Float], blocksize: Int) -> [Float] {
        stride(from: 0, to: x.count, by: blocksize).map { start in
            x[start..<min(start + blocksize, x.count)].reduce(Float(0)) { max($0, abs($1)) }
        }
    }

    private static func round(_ values: [Float], to dtype: String, into out: inout [UInt8]) throws(MergeError) {
        let bad = try typed {
            try values.withUnsafeBufferPointer { v in try out.withUnsafeMutableBytes { o in try Conversion.round(v, to: dtype, into: o) } }
        }
        if let bad { throw MergeError(.nonFinite, "a quantized weight overflows \(dtype) at element \(bad)") }
    }

    /// `body`'s result; the buffer accessors rethrow untyped, and only ``MergeError`` is thrown inside them.
    private static func typed<T>(_ body: () throws -> T) throws(MergeError) -> T {
        do {
            return try body()
        } catch let error as MergeError {
            throw error
        } catch {
            throw MergeError(.invalid, "\(error)")
        }
    }
}
