import LoomCore
import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct RemoveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm",
        abstract: "Remove a base or adapter version from the catalog (its blobs are left for gc).",
        usage: "loom rm <kind> <name> [--cascade] [--force] [<options>]",
        discussion: """
            Artifacts built from it stay: they name their inputs by digest. A base that adapters still use is \
            refused unless --cascade removes those adapters too. An adapter version that recipes build with \
            now (directly, or through --cascade) is refused, naming them, unless --force; such a recipe no longer builds, but pin, unpin, \
            audit and show of it still find the newest pinned (else newest) artifact it built. A removed NAME@VERSION is never \
            given again: the next registration of NAME gets the next number.

            Examples:
              loom rm adapter llama-qv@1
              loom rm adapter sql --force
              loom rm base llama-tiny --cascade
            """)

    @Argument(help: "base or adapter.")
    var kind: Kind

    @Argument(help: "NAME or NAME@VERSION (a bare name removes the latest version).")
    var name: String

    @Flag(help: "Removing a base also removes the adapters registered on it.")
    var cascade = false

    @Flag(help: "Remove an adapter (or cascade to one) even when recipes use it.")
    var force = false

    @Flag(help: "Print what was removed as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    enum Kind: String, ExpressibleByArgument, CaseIterable {
        case base, adapter
    }

    func run() throws {
        try runReporting {
            let reference = try Reference(parsing: name)
            let removal = try global.registry().remove(kind == .base ? .base : .adapter, reference, cascade: cascade, force: force)
            let removed = removal.bases.map { "base \($0.reference)" } + removal.adapters.map { "adapter \($0.reference)" }
            if json {
                Terminal.out(JSONWriter.canonical.string(RemovalDocument.removal(removal)))
            } else {
                for r in removed { Terminal.out("removed \(r) (its blobs stay until `loom gc`)") }
            }
        }
    }
}
