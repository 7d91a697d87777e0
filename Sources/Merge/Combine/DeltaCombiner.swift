/// PEFT's `merge_utils` functions (spec §5.3) on full float64 deltas, as §10.1 applies them: prune each
/// delta (top-k by magnitude, or a DARE mask rescaled by 1/density), then the weighted sum, or for TIES
/// methods the sign election on the unweighted pruned stack and the disjoint mean. Pure; thread-safe.
enum DeltaCombiner {
    /// k = int(density · numel), in float64 as Python computes it.
    static func keptCount(density: Double, count: Int) -> Int {
        Int((density * Double(count)).rounded(.towardZero))
    }

    /// Zeroes all but the k = int(density · n) largest |d|; between equal magnitudes the lower flat index
    /// wins (torch.topk leaves that order unspecified; random float data never ties).
    static func magnitudePrune(_ d: inout [Double], density: Double) {
        let k = keptCount(density: density, count: d.count)
        guard k < d.count else { return }
        guard k > 0 else {
            for j in d.indices { d[j] = 0 }
            return
        }
        var magnitudes = d.map { abs($0) }
        magnitudes.sort(by: >)
        let threshold = magnitudes[k - 1]
        // Every magnitude above the threshold is kept; the rest of the k go to the lowest indices equal to it.
        var equalKept = k - (magnitudes.prefix(k).firstIndex(of: threshold) ?? 0)
        for j in d.indices {
            let m = abs(d[j])
            if m > threshold { continue }
            if m == threshold, equalKept > 0 {
                equalKept -= 1
                continue
            }
            d[j] = 0
        }
    }

    /// DARE: element j kept with probability density (``DAREMask``) and divided by density, else 0.
    static func randomPrune(_ d: inout [Double], mask: DAREMask) {
        for j in d.indices { d[j] = mask.keeps(j) ? d[j] / mask.density : 0 }
    }

    /// Prunes `deltas` in place (so they are not copied) and combines them into ΔW.
    ///
    /// - Parameters:
    ///   - deltas: Dᵢ = sᵢ·Bᵢ·Aᵢ, each row-major with the same count, in the plan's canonical order;
    ///     pruned on return.
    ///   - masks: one DARE mask per delta (DARE methods only).
    static func combine(_ pruned: inout [[Double]], weights: [Double], options: CombineOptions, masks: [DAREMask]) -> [Double] {
        let density = options.density ?? 1
        for i in pruned.indices {
            switch options.method {
            case .linear: break
            case .ties, .magnitudePrune: magnitudePrune(&pruned[i], density: density)
            case .dareLinear, .dareTies: randomPrune(&pruned[i], mask: masks[i])
            }
        }
        let n = pruned.first?.count ?? 0
        var out = [Double](repeating: 0, count: n)
        guard let sign = options.majoritySign else {
            for (t, w) in zip(pruned, weights) {
                for j in 0..<n { out[j] = out[j] + w * t[j] }
            }
            return out
        }
        for j in 0..<n {
            var vote = 0.0
            for t in pruned {
                switch sign {
                case .total: vote = vote + t[j]
                case .frequency: vote = vote + (t[j] > 0 ? 1 : t[j] < 0 ? -1 : 0)
                }
            }
            let elected = vote >= 0 ? 1.0 : -1.0
            var sum = 0.0
            var agreeing = 0
            for (t, w) in zip(pruned, weights) where (t[j] > 0 ? 1.0 : t[j] < 0 ? -1.0 : 0) == elected {
                sum = sum + w * t[j]
                agreeing += 1
            }
            out[j] = sum / Double(max(1, agreeing))
        }
        return out
    }
}
