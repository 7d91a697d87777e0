import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Write a built artifact into a directory as plain files, every digest checked.",
        discussion: """
            NAME is a recipe or adapter, resolved to the artifact it builds now (it must have been built), \
            or an artifact key (or unique prefix). The files are real copies (mode 0644, no links into the \
            store), hashed while they are written; they go into a temporary directory beside DIR, renamed \
            to DIR at the end, so DIR is never half-written. DIR must not exist, or be an earlier pull \
            (it holds .loom/pull.json): files already right are kept, the rest are replaced, and DIR is \
            swapped for the new one at once. A pull counts as use of the artifact for gc.

            Examples:
              loom pull sql-prod ./models/sql-prod
              loom pull sha256:3f2a9c41 /srv/models/sql --json
            """)

    @Argument(help: "A recipe, an adapter, or an artifact key.")
    var name: String

    @Argument(help: ArgumentHelp("The directory to write (created; an earlier pull is updated).", valueName: "dir"))
    var directory: String

    @Flag(help: "Print {\"path\", \"key\", \"files\", \"bytes\", \"skipped\"} as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        // Ctrl-C removes the temporary directory (exit 130) and leaves DIR as it was.
        InterruptHandler.install()
        try runReporting {
            let report = try global.registry().pull(name, into: directory)
            if json {
                Terminal.out(JSONWriter.canonical.string(PullDocument.report(report)))
            } else {
                let kept = report.skipped > 0 ? ", \(report.skipped) already right" : ""
                Terminal.out("pulled \(report.key) into \(report.path) (\(report.files) files, \(Format.bytes(report.bytes)) written\(kept))")
            }
        }
    }
}
