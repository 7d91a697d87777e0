import ArgumentParser
import LoomDocuments
import LoomJSON
import Registry

struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Show where an artifact or a file came from: its provenance tree with digests, as text, JSON or in-toto.",
        usage: "loom audit <target> [--json | --in-toto [--sign <keyfile>]] [<options>]",
        discussion: """
            NAME|KEY|PATH is, in this order: a path (anything with a '/'); an artifact key (sha256:<hex>, \
            bare hex, or a unique prefix of at least 8 hex digits); a recipe or adapter name (NAME or \
            NAME@VERSION), resolved to the cache key `loom build NAME` would use, without building; or a \
            file in the current directory.

            For an artifact: the recipe as asked, the base and every adapter with the digests they resolved \
            to, weights and config fields, the output dtype, merge engine and loom versions, host, user, \
            start and end time, and every output file with its digest and size.

            The tree fits the terminal's width: digests are cut to sha256: and 12 hex digits and long \
            lines end in '…'; --wide prints every digest and line in full.

            For a file: its sha256, and every artifact, base and adapter that holds those bytes, with the \
            path inside each (a file under artifacts/<key>/ is followed to its blob).

            --in-toto prints an in-toto Statement v1 (https://in-toto.io/Statement/v1) whose subjects are \
            the artifact's output files with their sha256, with a SLSA Provenance v1 predicate \
            (https://slsa.dev/provenance/v1): buildType \(InTotoStatement.buildType); externalParameters \
            the recipe as asked; internalParameters the engine version and the resolved recipe; \
            resolvedDependencies the base and adapters with their manifest digests, adapters annotated with \
            their weight; builder.id urn:loom:<loom version>:engine:<engine version>; \
            metadata.invocationId the cache key, startedOn and finishedOn the build's times. Members always \
            come in the same order. A file path works when exactly one artifact holds the file.

            --sign KEYFILE (with --in-toto) prints a DSSE envelope instead (payloadType \
            application/vnd.in-toto+json): the statement as compact JSON in base64, signed with the Ed25519 \
            key KEYFILE (`loom key generate`) over the DSSE pre-authentication encoding. Anyone with \
            KEYFILE.pub checks it with `loom verify-attestation`.

            Examples:
              loom audit sql-prod
              loom audit sql-prod --in-toto > prov.json
              loom audit sql-prod --in-toto --sign team.key > prov.dsse.json
              loom audit 3f2a9c0e --json
              loom audit ./Store/artifacts/<key>/model-00001-of-00002.safetensors
            """)

    @Argument(help: "A recipe or adapter name, an artifact key or key prefix, or a file path.")
    var target: String

    @Flag(help: "Print one JSON object: the artifact with its provenance, or the file with its holders.")
    var json = false

    @Flag(name: .customLong("in-toto"), help: "Print an in-toto Statement v1 with a SLSA Provenance v1 predicate.")
    var inToto = false

    @Option(help: ArgumentHelp("Sign the in-toto statement with this Ed25519 key; print a DSSE envelope.", valueName: "keyfile"))
    var sign: String?

    @OptionGroup var width: WidthOptions

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if json && inToto { throw ValidationError("give --json or --in-toto, not both") }
        if sign != nil && !inToto { throw ValidationError("--sign signs an in-toto statement; give --in-toto too") }
    }

    func run() throws {
        try runReporting {
            // Read the key first: a bad key file fails before the audit's work.
            let key = try sign.map { (path) throws(RegistryError) in try Attestation.signingKey(at: path) }
            let registry = try global.registry()
            let report = try registry.audit(target, progress: TerminalProgress())
            if inToto {
                let artifact = try AuditRendering.singleArtifact(report)
                let statement = InTotoStatement.statement(for: artifact)
                if let key {
                    Terminal.out(JSONWriter(indent: 2).string(Attestation.envelope(for: statement, signedBy: key).json))
                } else {
                    Terminal.out(JSONWriter(indent: 2).string(statement))
                }
            } else if json {
                Terminal.out(JSONWriter.canonical.string(AuditDocument.report(report, path: registry.artifactPath)))
            } else {
                Terminal.out(AuditRendering.text(report, width: width.width))
            }
        }
    }
}
