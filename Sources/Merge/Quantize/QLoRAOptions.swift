/// A QLoRA-faithful build (`--qlora nf4 [--no-double-quant]`, spec §10.2): every weight transformers
/// quantizes on a 4-bit load is replaced by bitsandbytes' NF4 round trip before the adapters' deltas are
/// added, so the merged model computes what the adapter was trained against. A value type; `Sendable`.
public struct QLoRAOptions: Sendable, Equatable, Hashable {
    /// The 4-bit data type (`bnb_4bit_quant_type`). Only NF4 is modelled.
    public enum QuantType: String, Sendable, CaseIterable {
        case nf4
    }

    public let quantType: QuantType
    /// `bnb_4bit_use_double_quant`: the block scales are themselves quantized to 8 bits (the default).
    public let doubleQuant: Bool
    /// Values per 4-bit block (bitsandbytes' default for 4-bit weights).
    public let blocksize: Int

    public init(quantType: QuantType = .nf4, doubleQuant: Bool = true) {
        self.quantType = quantType
        self.doubleQuant = doubleQuant
        self.blocksize = 64
    }

    /// `nf4 (double quant)` or `nf4 (no double quant)`, for messages and notes.
    public var summary: String { "\(quantType.rawValue) (\(doubleQuant ? "double quant" : "no double quant"))" }
}
