import ArgumentParser
import Registry

/// `--combine`, `--density`, `--majority-sign`, `--seed`: how `build` and `recipe add` combine adapters.
///
/// A mistake in them (a density outside (0, 1], an option the method does not use) is a usage error
/// found in `validate()`, before any store is opened (exit 64).
struct CombineFlags: ParsableArguments {
    @Option(help: ArgumentHelp(
        "How adapters combine: linear (the exact weighted sum, default), ties, magnitude_prune, dare_linear or dare_ties.",
        valueName: "method"))
    var combine: String?

    @Option(help: ArgumentHelp("Fraction of each adapter's delta kept, in (0, 1]; every method but linear needs it.", valueName: "d"))
    var density: Double?

    @Option(help: ArgumentHelp("TIES sign election: total (default) or frequency; ties and dare_ties only.", valueName: "sign"))
    var majoritySign: String?

    @Option(help: ArgumentHelp("Seed of the DARE masks (default 0): the same seed gives the same bytes everywhere.", valueName: "n"))
    var seed: Int?

    /// The options asked for.
    ///
    /// - Throws: ``RegistryError`` `.invalid` naming the option that does not fit.
    func combination() throws(RegistryError) -> Combination {
        try BuildRequest.combination(method: combine, density: density, majoritySign: majoritySign, seed: seed)
    }

    func validate() throws {
        do {
            _ = try combination()
        } catch {
            throw ValidationError(error.message)
        }
    }
}
