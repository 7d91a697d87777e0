import ArgumentParser
import Foundation
import Logging
import Registry

/// Options every command takes. `--store` may come before or after the subcommand
/// (``Loom/normalizedArguments(_:)`` moves a leading one after it).
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The store directory (default: $LOOM_STORE, else ./Store).", valueName: "path"))
    var store: String?

    @Flag(name: .long, help: "Log what loom does to stderr.")
    var verbose = false

    /// The store root this invocation uses.
    var storeRoot: String {
        if let store { return store }
        if let env = ProcessInfo.processInfo.environment["LOOM_STORE"] { return env }
        return "Store"
    }

    /// Refuses an empty store path (`--store "$UNSET"`, `LOOM_STORE=`): it would make the current
    /// directory the store, and gc would then clean its `ingest/`.
    func validate() throws {
        guard storeRoot.isEmpty else { return }
        throw ValidationError(
            store != nil
                ? "--store is empty: name the store directory (an unset variable in --store \"$VAR\"?)"
                : "LOOM_STORE is set but empty: name the store directory, or unset it to use ./Store")
    }

    func registry() throws -> Registry {
        var logger = Logger(label: "loom")
        logger.logLevel = verbose ? .debug : .warning
        return try Registry(root: storeRoot, logger: logger)
    }
}
