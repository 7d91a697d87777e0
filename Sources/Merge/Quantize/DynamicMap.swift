/// bitsandbytes' signed 8-bit dynamic map (`create_dynamic_map(signed=True)`) and the blockwise 8-bit
/// round trip of double quantization (blocks of 256, nearest code, first index on ties). Pure.
enum DynamicMap {
    /// The 256 code values, ascending, in float32 as bitsandbytes builds them with torch.
    static let signed: [Float] = {
        var data: [Float] = []
        let exponentBits = 7
        for i in 0..<exponentBits {
            let items = (1 << i) + 1
            let bounds = linspace(0.1, 1, count: items)
            let scale = Float(pow10(i - (exponentBits - 1)))
            for j in 0..<(items - 1) {
                let mean = (bounds[j] + bounds[j + 1]) / 2
                data.append(scale * mean)
                data.append(-(scale * mean))
            }
        }
        data.append(0)
        data.append(1)
        while data.count < 256 { data.append(0) }
        return data.sorted()
    }()

    /// `torch.linspace(start, end, count)` in float32: from the start below the halfway index, from the end above it.
    static func linspace(_ start: Float, _ end: Float, count: Int) -> [Float] {
        guard count > 1 else { return [start] }
        let step = (end - start) / Float(count - 1)
        return (0..<count).map { i in i < count / 2 ? start + step * Float(i) : end - step * Float(count - i - 1) }
    }

    private static func pow10(_ e: Int) -> Double {
        var r = 1.0
        for _ in 0..<abs(e) { r *= 10 }
        return e < 0 ? 1 / r : r
    }

    /// Double quantization of `absmax` and back: offset = mean (float64 sum, rounded once), then
    /// absmax − offset to 8 bits in blocks of 256, then code·absmax₂ + offset, all in float32.
    static func roundTrip(_ absmax: [Float]) -> [Float] {
        guard !absmax.isEmpty else { return [] }
        let offset = Float(absmax.reduce(0.0) { $0 + Double($1) } / Double(absmax.count))
        let centred = absmax.map { $0 - offset }
        let scales = NF4RoundTrip.blockAbsmax(centred, blocksize: 256)
        let code = signed
        return centred.indices.map { i in
            let s = scales[i / 256]
            // An all-equal stretch of scales centres to zeros; code 0.0 stands for them exactly.
            let scaled = s == 0 ? 0 : min(max(centred[i] * (1 / s), -1), 1)
            var best = 0
            var bestDistance = abs(scaled - code[0])
            for j in 1..<code.count {
                let d = abs(scaled - code[j])
                if d < bestDistance {
                    best = j
                    bestDistance = d
                }
            }
            return code[best] * s + offset
        }
    }
}
