public import ArgumentParser
import Foundation
import Registry

/// The `loom` command: a registry and artifact store for model adapters.
public struct Loom: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "loom",
        abstract: "A registry and artifact store for model adapters: register bases and PEFT adapters, build merged models, cache and audit them.",
        discussion: """
            Examples:
              loom base add ./llama-3-8b --name llama3
              loom adapter add ./sql-lora --name sql   # base from adapter_config.json
              loom build sql --json                    # merged directory, cached by inputs
              loom build --base llama3 --adapter sql:0.7 --adapter style:0.3 --dtype bf16
              loom ls
              loom --store /data/loom ls adapters --json

            The store is ./Store unless --store PATH or $LOOM_STORE says otherwise; the first write creates it and \
            says where on stderr, and a read of a missing one says there is none.
            Exit codes: 0 ok, 1 I/O or internal error, 2 not found, 3 invalid input, 4 conflict, 64 usage, 130/143 interrupted \
            (SIGINT/SIGTERM: what was being written is removed); \
            verify exits 16 + 1 (bad blob) + 2 (bad reference) + 4 (catalog integrity, or a catalog lost beside its blobs) + 8 (event chain).
            """,
        version: LoomVersion.current,
        subcommands: [
            BaseCommand.self, AdapterCommand.self, BuildCommand.self, ListCommand.self, ShowCommand.self, RemoveCommand.self,
            RecipeCommand.self, PinCommand.self, UnpinCommand.self, PullCommand.self, HoldCommand.self,
            AuditCommand.self, VerifyCommand.self, LogCommand.self, GCCommand.self, KeyCommand.self, VerifyAttestationCommand.self,
            BackupCommand.self,
        ]
    )

    public init() {}

    /// Runs one command from the process's arguments and exits.
    ///
    /// Every failure, usage errors included, is one `loom: …` line on stderr (docs/architecture.md "Errors");
    /// `--help` and `--version` print to stdout and exit 0.
    public static func runFromCommandLine() -> Never {
        do {
            var command = try parseAsRoot(normalizedArguments(Array(CommandLine.arguments.dropFirst())))
            try command.run()
        } catch let error where error is ExitCode || exitCode(for: error) == .success {
            exit(withError: error)  // already reported by the command, or help and version
        } catch {
            Terminal.error("loom: " + oneLineMessage(for: error))
            Foundation.exit(exitCode(for: error).rawValue)
        }
        Foundation.exit(0)
    }

    /// argument-parser's message without the usage block, plus where to read more.
    static func oneLineMessage(for error: any Error) -> String {
        let message = message(for: error).split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? "\(error)"
        let full = fullMessage(for: error)
        guard let start = full.range(of: "See '"), let end = full[start.upperBound...].firstIndex(of: "'") else { return message }
        return message + " (see '\(full[start.upperBound..<end])')"
    }

    /// Moves global options given before the subcommand (`loom --store X ls`) after it, where every
    /// subcommand parses them, so both positions work.
    public static func normalizedArguments(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first, first.hasPrefix("--") {
            if first == "--store", rest.count >= 2 {
                leading += rest.prefix(2)
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--store=") || first == "--verbose" {
                leading.append(first)
                rest = rest.dropFirst()
            } else {
                break
            }
        }
        guard !leading.isEmpty, !rest.isEmpty else { return arguments }
        // Insert after the subcommand path (the leading words that are not options).
        var path: [String] = []
        while let word = rest.first, !word.hasPrefix("-"), path.count < 2, isCommandWord(word, after: path) {
            path.append(word)
            rest = rest.dropFirst()
        }
        return path + leading + Array(rest)
    }

    private static func isCommandWord(_ word: String, after path: [String]) -> Bool {
        let groups: [String: Set<String>] = ["base": ["add"], "adapter": ["add", "extract", "export"], "recipe": ["add", "ls", "rm"], "key": ["generate"]]
        if path.isEmpty { return true }
        return groups[path[0]]?.contains(word) ?? false
    }
}
