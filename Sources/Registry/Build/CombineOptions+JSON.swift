import LoomJSON
package import Merge

extension CombineOptions {
    /// `{"method": "ties", "density": 0.5, "majority_sign": "total"}` (`seed` for DARE): only the members
    /// the method uses. The cache key, the provenance and the in-toto predicate hold this object.
    var json: JSONValue {
        var o: JSONObject = ["method": .string(method.rawValue)]
        if let density { o["density"] = .double(density) }
        if let majoritySign { o["majority_sign"] = .string(majoritySign.rawValue) }
        if let seed { o["seed"] = .int(Int(seed)) }
        return .object(o)
    }

    /// The options a recorded recipe's `combine` member holds; linear when it has none.
    ///
    /// - Throws: ``RegistryError`` `.invalid` when the member is not options this loom understands.
    init(recorded value: JSONValue?) throws(RegistryError) {
        guard let value else {
            self = .linear
            return
        }
        guard let name = value["method"]?.stringValue, let method = Method(rawValue: name) else {
            throw .invalid("recorded combination \(JSONWriter.canonical.string(value)) names no method this loom knows")
        }
        let sign = try value["majority_sign"]?.stringValue.map { (s) throws(RegistryError) in
            guard let sign = MajoritySign(rawValue: s) else { throw .invalid("recorded majority sign \(s) is not total or frequency") }
            return sign
        }
        let options: CombineOptions
        do {
            options = try CombineOptions(
                method: method, density: value["density"]?.doubleValue, majoritySign: sign,
                seed: value["seed"]?.intValue.map { UInt64(max(0, $0)) })
        } catch {
            throw .invalid("recorded combination: \(error.message)")
        }
        self = options
    }
}

extension BuildRequest {
    /// The combination the command-line options ask for: `--combine` (default linear), `--density`,
    /// `--majority-sign`, `--seed`.
    ///
    /// - Throws: ``RegistryError`` `.invalid`, one line naming the option: an unknown method or majority
    ///   sign, a negative seed, or an option that does not fit the method (``CombineOptions``).
    package static func combination(
        method: String?, density: Double?, majoritySign: String?, seed: Int?
    ) throws(RegistryError) -> CombineOptions {
        let methods = CombineOptions.Method.allCases.map(\.rawValue).joined(separator: ", ")
        guard let chosen = CombineOptions.Method(rawValue: method ?? "linear") else {
            throw .invalid("--combine must be one of \(methods), not \(Names.quoted(method ?? ""))")
        }
        let sign = try majoritySign.map { (s) throws(RegistryError) in
            guard let sign = CombineOptions.MajoritySign(rawValue: s) else {
                throw .invalid("--majority-sign must be total or frequency, not \(Names.quoted(s))")
            }
            return sign
        }
        if let seed, seed < 0 { throw .invalid("--seed must be a non-negative integer, not \(seed)") }
        do {
            return try CombineOptions(method: chosen, density: density, majoritySign: sign, seed: seed.map { UInt64($0) })
        } catch {
            throw .invalid(error.message)
        }
    }
}

/// ``CombineOptions`` under a name the command line can spell without importing the merge engine.
package typealias Combination = CombineOptions
