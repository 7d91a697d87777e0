import ArgumentParser
import Registry

/// `--qlora TYPE` and `--no-double-quant`: a QLoRA-faithful build (`build`).
///
/// A mistake in them (a type other than nf4, `--no-double-quant` alone) is a usage error found in
/// `validate()`, before any store is opened (exit 64).
struct QLoRAFlags: ParsableArguments {
    @Option(help: ArgumentHelp(
        "Merge onto the base as a 4-bit load gave it to QLoRA training: nf4 (bitsandbytes' NF4 round trip).",
        valueName: "type"))
    var qlora: String?

    @Flag(help: "With --qlora: the adapter was trained without bnb_4bit_use_double_quant.")
    var noDoubleQuant = false

    /// The options asked for, or nil without --qlora.
    ///
    /// - Throws: ``RegistryError`` `.invalid` naming the flag that does not fit.
    func options() throws(RegistryError) -> QLoRABuild? {
        try BuildRequest.qlora(quantType: qlora, noDoubleQuant: noDoubleQuant)
    }

    func validate() throws {
        do {
            _ = try options()
        } catch {
            throw ValidationError(error.message)
        }
    }
}
