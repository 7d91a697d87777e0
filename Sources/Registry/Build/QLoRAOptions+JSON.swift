import LoomJSON
package import Merge

extension QLoRAOptions {
    /// `{"quant_type": "nf4", "blocksize": 64, "double_quant": true}`: what the cache key, the provenance and
    /// the in-toto predicate hold for a QLoRA-faithful build.
    var json: JSONValue {
        .object(["quant_type": .string(quantType.rawValue), "blocksize": .int(blocksize), "double_quant": .bool(doubleQuant)])
    }

    /// The options a recorded recipe's `qlora` member holds; nil when it has none.
    ///
    /// - Throws: ``RegistryError`` `.invalid` when the member is not options this loom understands.
    init?(recorded value: JSONValue?) throws(RegistryError) {
        guard let value, value != .null else { return nil }
        guard let name = value["quant_type"]?.stringValue, let type = QuantType(rawValue: name),
            value["blocksize"]?.intValue == 64, let double = value["double_quant"]?.boolValue
        else {
            throw .invalid("recorded QLoRA options \(JSONWriter.canonical.string(value)) are not options this loom knows")
        }
        self.init(quantType: type, doubleQuant: double)
    }
}

extension BuildRequest {
    /// The QLoRA options the command-line flags ask for: `--qlora TYPE` and `--no-double-quant`.
    ///
    /// - Throws: ``RegistryError`` `.invalid`, one line naming the flag: a quant type other than `nf4`, or
    ///   `--no-double-quant` without `--qlora`.
    package static func qlora(quantType: String?, noDoubleQuant: Bool) throws(RegistryError) -> QLoRAOptions? {
        guard let quantType else {
            if noDoubleQuant { throw .invalid("--no-double-quant applies to a QLoRA build only; give --qlora nf4 with it") }
            return nil
        }
        guard let type = QLoRAOptions.QuantType(rawValue: quantType) else {
            let known = QLoRAOptions.QuantType.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalid("--qlora must be \(known), not \(Names.quoted(quantType)) (fp4 and 8-bit loads are not modelled)")
        }
        return QLoRAOptions(quantType: type, doubleQuant: !noDoubleQuant)
    }
}

/// ``QLoRAOptions`` under a name the command line can spell without importing the merge engine.
package typealias QLoRABuild = QLoRAOptions
