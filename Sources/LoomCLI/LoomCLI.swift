// LoomCLI
