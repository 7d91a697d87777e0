import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the store: rehash every blob, resolve every catalog reference, run SQLite's integrity check, verify the event chain.",
        discussion: """
            Rehashes every file under blobs/, referenced or not, and names each bad one by its full digest; \
            checks that every base, adapter and artifact file resolves to a blob of the recorded size; runs \
            SQLite's integrity and foreign-key checks; walks the event log's hash chain, which catches an \
            edited, deleted or reordered event. Each finding is one line on stdout. Nothing is repaired.

            Garbage is not a finding: what `loom gc` (default options) would collect now is listed as \
            collectable, with the bytes it would free, and leaves the exit status 0: unreferenced blobs and \
            abandoned ingest files older than gc's grace period (1h; none while a build or registration holds \
            a live lease), and dead leases. Files in ingest/ whose names loom never gives are noted, not \
            collected.

            Exit status: 0 when there is no finding; otherwise 16 plus one bit per kind of finding:
              1  a corrupt or unreadable blob, or a malformed entry under blobs/
              2  a catalog file whose blob is missing or has another size than
                 recorded (a missing blob is reported here, once per base,
                 adapter or artifact file that needs it)
              4  SQLite's integrity or foreign-key check failed, or the catalog
                 is missing or records nothing while blobs/ holds older blobs
                 (copied without catalog.sqlite-wal: restore all three catalog
                 files, or a `loom backup`; gc refuses to run meanwhile)
              8  the event chain is broken
            For example 17 means a corrupt blob, 24 a broken event chain. Errors keep the usual codes \
            (1 I/O, 2 not found, 3 invalid, 4 conflict).

            --rebuild KEY rebuilds only that artifact from its recorded sources (base and adapter digests, \
            weights, dtype) into a scratch area under the store's ingest/, compares every output file's \
            digest with the recorded one, and for a differing weight file reports each differing tensor and \
            its largest difference in ulps of the output dtype. The rest of the store is not checked. On the \
            same machine the rebuild is expected to be bit-identical: exit 0 when it is, 16 when it is not.

            Progress goes to stderr when it is a terminal.

            Examples:
              loom verify
              loom verify --json | jq .collectable.bytes
              loom verify --rebuild sha256:3f2a9c0e
            """)

    @Flag(help: "Print one JSON object: findings, what was checked, collectable garbage (or the rebuild comparison).")
    var json = false

    @Option(help: ArgumentHelp("Rebuild this artifact (key or unique key prefix) and compare it with the recorded one.", valueName: "key"))
    var rebuild: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            let registry = try global.registry()
            if let rebuild {
                let report = try registry.rebuild(key: rebuild, progress: TerminalProgress())
                Terminal.out(json ? JSONWriter.canonical.string(VerifyDocument.rebuild(report)) : VerifyRendering.text(report))
                if !report.isIdentical { throw ExitCode(ExitCodes.verifyBase) }
                return
            }
            let report = try registry.verify(progress: TerminalProgress())
            Terminal.out(json ? JSONWriter.canonical.string(VerifyDocument.report(report)) : VerifyRendering.text(report))
            if !report.isClean { throw ExitCode(ExitCodes.verifyBase + report.findingBits) }
        }
    }
}
