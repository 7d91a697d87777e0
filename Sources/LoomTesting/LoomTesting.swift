// LoomTesting
