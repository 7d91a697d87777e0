import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show every change to the catalog, oldest first, with the event log's hash chain verified.",
        discussion: """
            One line per event: seq, time (UTC), actor (user@host pid N), kind (base.add, adapter.rm, \
            artifact.build, lease.takeover, …), subject (NAME@VERSION, artifact key or lease) and a short \
            detail, with digests cut to 12 hex digits (a key prefix `loom audit` accepts; --json has them \
            in full). Lines fit the terminal's width, cutting actor, subject and detail with '…'; --wide \
            prints every line and detail whole.

            The last line is `chain: verified (N events)`, or one line per break in the hash chain (an \
            event edited, deleted or reordered); then the exit status is 24 (16 + 8), as for `loom verify`. \
            The chain is always checked over the whole log, whatever --limit shows.

            Examples:
              loom log
              loom log --limit 20
              loom log --json | jq '.events[] | select(.kind == "artifact.build")'
            """)

    @Flag(help: "Print one JSON object: {events: [...], total, chain: {verified, findings}} with full details and hashes.")
    var json = false

    @OptionGroup var width: WidthOptions

    @Option(help: ArgumentHelp("Show only the N most recent events (still oldest first).", valueName: "n"))
    var limit: Int?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more, not \(limit)") }
    }

    func run() throws {
        try runReporting {
            let log = try global.listingRegistry().log(limit: limit)
            Terminal.out(json ? JSONWriter.canonical.string(LogDocument.log(log)) : LogRendering.text(log, width: width.width))
            if !log.isVerified { throw ExitCode(ExitCodes.verifyBase + VerifyReport.Kind.chain.rawValue) }
        }
    }
}
