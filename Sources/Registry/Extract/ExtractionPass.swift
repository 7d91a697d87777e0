import LoomCore
import Foundation
import Merge
import Safetensors

/// One extraction: compares every tensor of a tuned model with its base and factorizes the changed
/// linear weights. Reads the mapped shards it is given (which the caller owns and keeps open); pure
/// otherwise. Single-threaded (LAPACK and BLAS parallelize inside each weight).
struct ExtractionPass {
    let base: LoadedBase
    let baseRecord: BaseRecord
    let baseShards: [String: SafetensorsFile]
    let tuned: TunedModel
    let options: ExtractionOptions

    struct Output {
        var adapter: ExtractedAdapter
        var savedWhole: [String] = []
        var skipped: [String] = []
        var clamped: [(module: String, rank: Int)] = []
        var notes: [String] = []
    }

    /// - Throws: ``RegistryError`` `.invalid` naming the tensor that is missing, extra, of another dtype
    ///   or shape, or not finite; or when nothing differs.
    func run(progress: any ProgressSink) throws(RegistryError) -> Output {
        let shownBase = "base \(baseRecord.reference)"
        let baseNames = Set(base.tensors.map(\.name))
        if let extra = tuned.tensors.keys.filter({ !baseNames.contains($0) }).sorted().first {
            throw .invalid("\(tuned.shown): tensor \(Names.quoted(extra)) is not in \(shownBase); a tuned model must have the base's tensors and no others")
        }
        if let missing = baseNames.filter({ tuned.tensors[$0] == nil }).sorted().first {
            throw .invalid("\(tuned.shown) has no tensor \(Names.quoted(missing)), which \(shownBase) has")
        }
        var out = Output(adapter: ExtractedAdapter(rank: options.rank, baseName: baseRecord.name))
        let method: LowRankFactorization.Method = options.exact ? .exact : .randomized(seed: options.seed)
        let entries = base.tensors.sorted { $0.name < $1.name }
        progress.begin("factorizing \(entries.count) tensors", total: Int64(entries.count))
        defer { progress.end() }
        for (index, entry) in entries.enumerated() {
            try Registry.checkInterrupted()
            progress.advance(to: Int64(index))
            guard let t = tuned.tensors[entry.name], let shard = baseShards[entry.path], let baseInfo = shard.header.tensor(named: entry.name) else {
                throw .internal("tensor \(entry.name) of \(shownBase) is not in its shard \(entry.path)")
            }
            guard t.info.dtype == baseInfo.dtype, t.info.shape == baseInfo.shape else {
                throw .invalid(
                    "\(tuned.shown): tensor \(Names.quoted(entry.name)) is \(t.info.dtype.rawValue) \(t.info.shape) but \(baseInfo.dtype.rawValue) \(baseInfo.shape) in \(shownBase)")
            }
            let tunedBytes = t.file.bytes(of: t.info)
            let baseBytes = shard.bytes(of: baseInfo)
            // Keeps RSS bounded by the largest tensor rather than both models.
            defer {
                t.file.dropPages(of: t.info)
                shard.dropPages(of: baseInfo)
            }
            guard !tunedBytes.elementsEqual(baseBytes) else { continue }
            if let i = Conversion.firstNonFinite(tunedBytes, dtype: t.info.dtype.rawValue) {
                throw .invalid("\(tuned.shown): tensor \(Names.quoted(entry.name)) holds NaN or Inf (element \(i))")
            }
            let module = ExtractedAdapter.module(of: entry.name)
            if entry.name.hasSuffix(".weight"), entry.shape.count == 2, isLinear(module), ModelDType(storage: t.info.dtype) != nil {
                let factor = try factorize(module: module, tuned: tunedBytes, base: baseBytes, info: baseInfo, method: method)
                if factor.factorization.rank < options.rank { out.clamped.append((module, factor.factorization.rank)) }
                out.adapter.fanInFanOut = out.adapter.fanInFanOut || base.model.isConv1D(module: module)
                out.adapter.factors.append(factor)
            } else if options.skipUndecomposable {
                out.skipped.append(entry.name)
            } else {
                out.savedWhole.append(entry.name)
                out.adapter.replacements.append(
                    .init(tensor: entry.name, dtype: t.info.dtype, shape: t.info.shape, bytes: [UInt8](tunedBytes)))
            }
        }
        guard !out.adapter.factors.isEmpty || !out.adapter.replacements.isEmpty else {
            if !out.skipped.isEmpty {
                throw .invalid("\(tuned.shown): only tensors no LoRA can express differ from \(shownBase) (\(out.skipped.joined(separator: ", "))), and --skip-undecomposable leaves them out")
            }
            throw .invalid("\(tuned.shown) does not differ from \(shownBase): no tensor changed, nothing to extract")
        }
        if out.adapter.factors.contains(where: { base.model.isConv1D(module: $0.module) })
            && out.adapter.factors.contains(where: { !base.model.isConv1D(module: $0.module) })
        {
            // PEFT's fan_in_fan_out is one flag for the whole config.
            throw .invalid("\(tuned.shown): changed weights mix Conv1D and Linear layers, which one PEFT config cannot express")
        }
        return out
    }

    /// Linear layers PEFT's LoRA can target: everything `all-linear` selects, plus the output head.
    private func isLinear(_ module: String) -> Bool {
        base.model.isLinearForAllLinear(module) || module == BaseModel.headModule || module.hasSuffix("." + BaseModel.headModule)
    }

    /// τ in float64, laid out `[out, in]` (Conv1D weights are stored `[in, out]`), factorized.
    private func factorize(
        module: String, tuned tunedBytes: UnsafeRawBufferPointer, base baseBytes: UnsafeRawBufferPointer, info: TensorInfo,
        method: LowRankFactorization.Method
    ) throws(RegistryError) -> ExtractedAdapter.Factor {
        do {
            let w1 = try Conversion.toDouble(tunedBytes, dtype: info.dtype.rawValue)
            let w0 = try Conversion.toDouble(baseBytes, dtype: info.dtype.rawValue)
            var tau = [Double](repeating: 0, count: w1.count)
            for i in 0..<w1.count { tau[i] = w1[i] - w0[i] }
            var rows = info.shape[0], columns = info.shape[1]
            if base.model.isConv1D(module: module) {
                var transposed = [Double](repeating: 0, count: tau.count)
                for r in 0..<rows { for c in 0..<columns { transposed[c * rows + r] = tau[r * columns + c] } }
                tau = transposed
                swap(&rows, &columns)
            }
            let x = try LowRankFactorization.factorize(tau, rows: rows, columns: columns, rank: options.rank, method: method, shown: module)
            return .init(module: module, factorization: x)
        } catch {
            throw .invalid("\(tuned.shown): \(error)")
        }
    }
}
