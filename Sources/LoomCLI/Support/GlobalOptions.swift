import ArgumentParser
import Foundation
import Logging
import LoomBackends
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

    /// The registry over ``storeRoot``. A write that creates the store says where on stderr (never stdout,
    /// which may be JSON): a mistyped directory would otherwise silently start a second store.
    func registry() throws -> Registry {
        var logger = Logger(label: "loom")
        logger.logLevel = verbose ? .debug : .warning
        return try StoreBackends.registry(root: storeRoot, logger: logger, storeCreated: { root in Terminal.error("loom: note: created store at \(root)") })
    }

    /// ``registry()`` for a listing command (`ls`, `log`, `recipe ls`): where there is no store it says so
    /// on stderr (`no store at …; use --store or LOOM_STORE`) and the listing stays empty with exit 0,
    /// like `docker image ls` on nothing; commands that need a thing in the store fail instead (exit 2).
    func listingRegistry() throws -> Registry {
        let registry = try registry()
        if !registry.storeExists { Terminal.error("loom: note: \(registry.noStoreMessage)") }
        return registry
    }
}
