import ArgumentParser
import Registry

struct VerifyAttestationCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-attestation",
        abstract: "Check a signed attestation: its signature and, with --artifact, the files it names.",
        usage: "loom verify-attestation <envelope> --key <file.pub> [--artifact <dir>]",
        discussion: """
            ENVELOPE is a DSSE envelope from `loom audit NAME --in-toto --sign KEYFILE`. The signature must \
            verify with --key over the DSSE pre-authentication encoding of the payload, and the payload \
            must be an in-toto Statement v1. With --artifact, every subject must be a file in DIR with \
            that sha256, and DIR must hold no other file. Needs no store: anyone with the public key and \
            the files can check. A failure is one line on stderr; exit 3 (2 for a missing file).

            Examples:
              loom verify-attestation prov.dsse.json --key team.key.pub
              loom verify-attestation prov.dsse.json --key team.key.pub \\
                  --artifact "$(loom build sql)"
            """)

    @Argument(help: "The DSSE envelope (JSON).")
    var envelope: String

    @Option(help: ArgumentHelp("The signer's public key (FILE.pub from `loom key generate FILE`).", valueName: "file.pub"))
    var key: String

    @Option(help: ArgumentHelp("A directory whose files must be exactly the subjects.", valueName: "dir"))
    var artifact: String?

    // Accepted like every command's, so a script can pass --store everywhere; the check needs no store.
    @OptionGroup var global: GlobalOptions

    func run() throws {
        try runReporting {
            let check = try Attestation.verify(envelopeAt: envelope, key: try Attestation.verifyingKey(at: key), directory: artifact)
            let files = check.subjects.count == 1 ? "1 subject" : "\(check.subjects.count) subjects"
            Terminal.out("verified: signed by \(check.keyID), \(files)" + (check.checkedDirectory.map { ", all match \($0)" } ?? ""))
        }
    }
}
