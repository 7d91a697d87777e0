package import Safetensors

/// How one tensor of two safetensors files differs.
package struct TensorDifference: Sendable, Equatable {
    /// The tensor's name.
    package var name: String
    /// Its safetensors dtype in the recorded file (`BF16`, …).
    package var dtype: String
    /// Elements whose bits differ (0 when only the shape or dtype differs).
    package var differingElements: Int
    /// The largest distance, in units in the last place of ``dtype``, between two elements at the same
    /// index; `UInt64.max` when a NaN faces a number. Nil for non-float dtypes, or when the tensors
    /// cannot be compared element by element (``note`` says why).
    package var maxUlps: UInt64?
    /// Why the tensors could not be compared element by element, or that one file lacks the tensor.
    package var note: String?

    /// A difference; see each property.
    package init(name: String, dtype: String, differingElements: Int, maxUlps: UInt64?, note: String? = nil) {
        self.name = name
        self.dtype = dtype
        self.differingElements = differingElements
        self.maxUlps = maxUlps
        self.note = note
    }
}

/// Compares two safetensors files tensor by tensor, in ulps of the stored dtype (`verify --rebuild`).
///
/// The ulp distance between two finite values of one format is how many representable values lie
/// between them: the difference of their bit patterns mapped to a monotonic integer order (so +0 and
/// −0 are 0 apart, and the distance across zero counts both sides). Pure; thread-safe.
package enum TensorComparison {
    /// Every tensor that differs between the files at `recorded` and `rebuilt`, in the recorded
    /// file's order, then tensors only the rebuilt file has; empty when every tensor is bit-identical.
    ///
    /// - Throws: ``SafetensorsError`` when either file is not a valid safetensors file.
    package static func differences(recorded: String, rebuilt: String) throws(SafetensorsError) -> [TensorDifference] {
        let a = try SafetensorsFile(path: recorded)
        defer { a.close() }
        let b = try SafetensorsFile(path: rebuilt)
        defer { b.close() }
        var out: [TensorDifference] = []
        for tensor in a.header.tensors {
            guard let other = b.header.tensor(named: tensor.name) else {
                out.append(.init(name: tensor.name, dtype: tensor.dtype.rawValue, differingElements: 0, maxUlps: nil, note: "missing from the rebuild"))
                continue
            }
            guard other.dtype == tensor.dtype, other.shape == tensor.shape else {
                out.append(
                    .init(
                        name: tensor.name, dtype: tensor.dtype.rawValue, differingElements: 0, maxUlps: nil,
                        note: "rebuilt as \(other.dtype.rawValue) \(other.shape), recorded as \(tensor.dtype.rawValue) \(tensor.shape)"))
                continue
            }
            let (differing, ulps) = compare(a.bytes(of: tensor), b.bytes(of: other), dtype: tensor.dtype)
            if differing > 0 {
                out.append(.init(name: tensor.name, dtype: tensor.dtype.rawValue, differingElements: differing, maxUlps: ulps))
            }
        }
        for tensor in b.header.tensors where a.header.tensor(named: tensor.name) == nil {
            out.append(.init(name: tensor.name, dtype: tensor.dtype.rawValue, differingElements: 0, maxUlps: nil, note: "only in the rebuild"))
        }
        return out
    }

    /// Elements whose bits differ between two equally long buffers of `dtype`, and the largest ulp
    /// distance among them (nil for non-float dtypes).
    package static func compare(
        _ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer, dtype: DType
    ) -> (differing: Int, maxUlps: UInt64?) {
        let width = dtype.byteSize
        let count = min(a.count, b.count) / width
        var differing = 0
        var maxUlps: UInt64 = 0
        for i in 0..<count {
            let x = bits(a, i, width)
            let y = bits(b, i, width)
            guard x != y else { continue }
            differing += 1
            if dtype.isFloatingPoint { maxUlps = max(maxUlps, distance(x, y, dtype: dtype)) }
        }
        return (differing, dtype.isFloatingPoint ? maxUlps : nil)
    }

    /// The ulp distance between two bit patterns (in the low bits) of a float `dtype`: F16, BF16,
    /// F32 or F64. Two NaNs are 0 apart; a NaN and a number `UInt64.max`.
    package static func distance(_ x: UInt64, _ y: UInt64, dtype: DType) -> UInt64 {
        let sign: UInt64 = 1 << UInt64(8 * dtype.byteSize - 1)
        let magnitude = sign - 1
        let infinity: UInt64 = switch dtype {
        case .f64: 0x7FF0_0000_0000_0000
        case .f32: 0x7F80_0000
        case .bf16: 0x7F80
        default: 0x7C00
        }
        let nanX = (x & magnitude) > infinity
        let nanY = (y & magnitude) > infinity
        if nanX || nanY { return nanX && nanY ? 0 : UInt64.max }
        let (mx, my) = (x & magnitude, y & magnitude)
        if (x & sign) == (y & sign) { return mx > my ? mx - my : my - mx }
        return mx + my
    }

    private static func bits(_ buffer: UnsafeRawBufferPointer, _ index: Int, _ width: Int) -> UInt64 {
        let offset = index * width
        switch width {
        case 8: return UInt64(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        case 4: return UInt64(UInt32(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
        case 2: return UInt64(UInt16(littleEndian: buffer.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
        default: return UInt64(buffer[offset])
        }
    }
}
