import ArgumentParser
import Registry

struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Make signing keys for attestations.",
        discussion: """
            Examples:
              loom key generate team.key
              loom audit sql-prod --in-toto --sign team.key > prov.dsse.json
            """,
        subcommands: [Generate.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a new Ed25519 key pair: FILE (private, mode 0600) and FILE.pub.",
            discussion: """
                FILE is PEM PKCS #8 and FILE.pub PEM SubjectPublicKeyInfo (RFC 8410), the forms openssl \
                and Python's cryptography read. Existing files are never overwritten. Give FILE.pub to \
                whoever checks your attestations; keep FILE to yourself.

                Examples:
                  loom key generate team.key
                  loom verify-attestation prov.dsse.json --key team.key.pub
                """)

        @Argument(help: "Where to write the private key; the public key goes to FILE.pub.")
        var file: String

        // Accepted like every command's, so a script can pass --store everywhere; keys live outside stores.
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try runReporting {
                let key = try Attestation.generateKey(at: file)
                Terminal.out("wrote \(file) (private, mode 0600) and \(file).pub (key id \(key.keyID))")
            }
        }
    }
}
