import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct GCCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Delete what nothing needs: unreferenced blobs, stale files and, with --max-size, least recently used artifacts.",
        usage: "loom gc [--dry-run] [--max-size <size>] [--grace <duration>] [<options>]",
        discussion: """
            Kept always: every registered base and adapter version, every pinned artifact, every artifact held \
            with `loom hold` until its hold runs out, and every artifact or ingest under a live lease. Merged \
            artifacts are a cache: with --max-size the most recently used ones (build, pull and hold count as \
            use) that fit in SIZE are kept (pinned, held and leased ones count first) and the rest are evicted, least \
            recently used first; `loom build` rebuilds them on demand. Without --max-size no artifact is evicted.

            Blobs nothing references are deleted once older than the grace period (an ingest may have written \
            one and not yet committed it); blobs freed by evicting an artifact in the same run go at once. \
            A file in ingest/ goes at once when its writer is gone (the pid in its name no longer runs: killed, \
            or interrupted before it could clean up); stray entries in artifacts/ go after the grace period (in \
            ingest/ only names loom gives: any other file is listed as skipped and left alone). gc refuses to \
            run, and deletes nothing, on a store whose catalog is missing or records nothing while blobs/ \
            holds older blobs (a catalog copied without catalog.sqlite-wal). While \
            another process holds a live lease (a build or registration in progress) no blob is deleted: gc says \
            so, and a later run does it.

            SIZE is a number of bytes with an optional K, M, G or T suffix (powers of 1024): 0, 512, 10K, \
            1.5G, 20G; a fraction needs a suffix and is rounded down to a whole byte. DURATION is 0 or a whole \
            number with s, m, h or d: 45s, 30m, 1h, 2d. Tables fit the terminal's width (keys keep at least \
            their short form, a prefix `loom audit` accepts); --wide or --json prints them in full.

            Examples:
              loom gc --dry-run --max-size 20G --json  # what would go and why
              loom gc --max-size 20G                   # carry it out
              loom gc                                  # garbage only, 1 h grace
              loom gc --max-size 0 --grace 10m         # only pinned, held, leased stay
            """)

    @Flag(help: "Print what would go and change nothing.")
    var dryRun = false

    @Option(
        help: ArgumentHelp("Keep at most SIZE bytes of artifacts, most recently used first (K, M, G, T: powers of 1024).", valueName: "size"),
        transform: ByteCount.parse)
    var maxSize: ByteCount?

    @Option(
        help: ArgumentHelp("Leave unreferenced blobs and stale files younger than this (default: 1h).", valueName: "duration"),
        transform: TimeSpan.parse)
    var grace: TimeSpan?

    @OptionGroup var width: WidthOptions

    @Flag(help: "Print one JSON object: {dry_run, artifacts, blobs, ingest, directories, leases, bytes_freed, skipped}.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            let options = GCOptions(dryRun: dryRun, maxSize: maxSize?.bytes, grace: grace?.duration ?? .seconds(3600))
            let plan = try global.registry().collectGarbage(options)
            Terminal.out(json ? JSONWriter.canonical.string(GCDocument.plan(plan)) : GCReportText.render(plan, width: width.width))
        }
    }
}
