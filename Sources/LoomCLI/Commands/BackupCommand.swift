import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store to a new directory: a consistent copy of the catalog and the blobs it references.",
        discussion: """
            The catalog is more than catalog.sqlite: recent changes live in catalog.sqlite-wal (and \
            catalog.sqlite-shm) until SQLite copies them over, so copying catalog.sqlite alone can lose \
            them. backup uses SQLite's online backup API: DIR/catalog.sqlite is one self-contained file \
            holding every committed change as of one moment, while builds and registrations go on.

            Then every blob that catalog references goes to DIR/blobs/, as a hard link when DIR is on the \
            same file system (blobs are read-only and never change, so DIR takes almost no space), else as \
            a copy whose digest is checked. With --catalog-only, only the catalog is copied. Not copied: \
            unreferenced blobs, ingest/, leases, and artifacts/ (the next `loom build` of each artifact \
            makes its directory again). DIR is a store: `loom --store DIR verify`.

            Atomic: DIR appears complete or not at all (everything is written under a temporary name \
            beside it, then renamed). DIR must not exist, or be an empty directory. gc deletes no blob \
            while a backup runs.

            Examples:
              loom backup /backups/loom-2026-12-03
              loom backup /backups/catalog-only --catalog-only --json
            """)

    @Argument(help: ArgumentHelp("The new store directory (must not exist, or be empty).", valueName: "dir"))
    var directory: String

    @Flag(help: "Copy only the catalog, not the blobs.")
    var catalogOnly = false

    @Flag(help: "Print one JSON object: {path, catalog_bytes, blobs, bytes, linked, copied, catalog_only}.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            let report = try global.registry().backup(to: directory, catalogOnly: catalogOnly)
            if json {
                Terminal.out(JSONWriter.canonical.string(BackupDocument.report(report)))
            } else {
                let blobs = report.catalogOnly
                    ? "no blobs (--catalog-only)"
                    : "\(report.blobs) blob(s), \(Format.bytes(report.bytes)) (\(report.linked) hard-linked, \(report.copied) copied)"
                Terminal.out("backed up to \(report.path): catalog \(Format.bytes(report.catalogBytes)), \(blobs)")
            }
        }
    }
}
