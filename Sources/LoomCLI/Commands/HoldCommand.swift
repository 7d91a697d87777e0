import ArgumentParser
import LoomCore
import LoomDocuments
import LoomJSON
import Registry

struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Keep an artifact through gc for a while (a server reading it takes one).",
        usage: "loom hold <name> --for <duration> [--as <holder>]\nloom hold <name> --release [--as <holder> | --all]",
        discussion: """
            NAME is a recipe or adapter, resolved to the artifact it builds now (it must have been built), \
            or an artifact key (or unique prefix). While a hold lasts, gc does not evict the artifact, \
            whatever the budget; it ends by itself when DURATION has passed, or with --release. Any process \
            may take one; each holder (default user@host, or --as) has one hold per artifact, and holding \
            again replaces it (extends or shortens it). Unlike a pin, a hold runs out: a server that stops \
            renewing its hold does not keep the model forever. `loom ls` and `loom show` say when an \
            artifact is held.

            Examples:
              loom hold sql-prod --for 2h
              loom hold sql-prod --for 1d --as vllm-01
              loom hold sql-prod --release --as vllm-01
            """)

    @Argument(help: "A recipe, an adapter, or an artifact key.")
    var name: String

    @Option(name: .customLong("for"), help: ArgumentHelp("How long to hold it: 45s, 30m, 2h, 7d.", valueName: "duration"),
            transform: TimeSpan.parse)
    var duration: TimeSpan?

    @Flag(help: "End the hold instead of taking one.")
    var release = false

    @Option(name: .customLong("as"), help: ArgumentHelp("Who holds it (default: user@host).", valueName: "holder"))
    var holder: String?

    @Flag(help: "With --release: end every holder's hold on it.")
    var all = false

    @Flag(help: "Print {\"key\", \"holder\", \"until\"} (or the holds released) as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if release == (duration != nil) { throw ValidationError("give --for DURATION to hold, or --release to end a hold") }
        if all && !release { throw ValidationError("--all applies to --release") }
        if all && holder != nil { throw ValidationError("give --as HOLDER or --all, not both") }
        if let duration, duration.duration == .zero { throw ValidationError("--for must be longer than 0 (use --release to end a hold)") }
    }

    func run() throws {
        try runReporting {
            let registry = try global.registry()
            if release {
                let (key, released) = try registry.releaseHold(name, holder: holder, everyone: all)
                if json {
                    Terminal.out(JSONWriter.canonical.string(HoldDocument.released(key: key, released)))
                } else if released.isEmpty {
                    Terminal.out("\(key) was not held\(all ? "" : " by \(holder ?? Registry.defaultHolder)")")
                } else {
                    Terminal.out(released.map { "released \(key) (held by \($0.holder))" }.joined(separator: "\n"))
                }
                return
            }
            guard let duration else { return }
            let hold = try registry.hold(name, for: duration.duration, holder: holder)
            if json {
                Terminal.out(JSONWriter.canonical.string(HoldDocument.held(hold)))
            } else {
                Terminal.out("held \(hold.key) for \(hold.holder) until \(Timestamps.iso(hold.until))")
            }
        }
    }
}
