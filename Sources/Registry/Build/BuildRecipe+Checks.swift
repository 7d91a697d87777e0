import LoomCore

extension BuildRecipe {
    /// Refuses one adapter given twice (by name, or two names with the same bytes).
    ///
    /// Refused rather than folded into one input with the weights summed: summing is exact for LoRA and
    /// IA3 deltas but not for DoRA, whose magnitude renormalizes the whole update, so a fold would be a
    /// guess. The message says how to write it once.
    /// - Throws: ``RegistryError`` `.invalid` naming both mentions.
    static func checkDistinct(_ inputs: [Input]) throws(RegistryError) {
        var seen: [String: Input] = [:]
        for input in inputs {
            if let first = seen[input.adapter.manifestDigest] {
                let same = first.adapter.reference == input.adapter.reference
                    ? "adapter \(input.adapter.reference) is given twice (\(first.asked) and \(input.asked))"
                    : "adapters \(first.adapter.reference) and \(input.adapter.reference) are the same bytes (\(first.asked) and \(input.asked))"
                let weight = first.weight + input.weight
                throw .invalid("\(same); give it once, with the weights summed if that is what you mean (\(input.adapter.name):\(weight))")
            }
            seen[input.adapter.manifestDigest] = input
        }
    }

    /// For `--base NAME` without a version: a note when NAME's latest version, which the build uses, is
    /// not the version an adapter was registered on (which `loom build ADAPTER` would use). Nil otherwise.
    func baseVersionNote(asked: Reference?) -> String? {
        guard let asked, asked.version == nil else { return nil }
        let others = inputs.filter { $0.adapter.baseName == base.name && $0.adapter.baseVersion != base.version }
        guard let first = others.first else { return nil }
        let registered = "\(base.name)@\(first.adapter.baseVersion)"
        return "--base \(asked) means \(base.reference), its latest version; \(first.adapter.reference) was registered on "
            + "\(registered) (`loom build \(first.adapter.name)` merges into that); give --base \(registered) to use it"
    }
}
