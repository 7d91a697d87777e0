import LoomCLI

/// The `loom` executable: parses the command line and runs one command.
@main
struct Entrypoint {
    static func main() {
        Loom.runFromCommandLine()
    }
}
