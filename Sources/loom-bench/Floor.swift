import Foundation

/// The physical floor of a measure, taken in the same run as loom: one read and one durable write of
/// the bytes (`cp` then `sync` of the copies) plus hashing them (`openssl dgst -sha256`).
///
/// `sync FILE…` is coreutils' per-file `fsync`, the same durability loom gives each blob, and unlike a
/// plain `sync` it does not wait for other processes' dirty pages on the machine.
enum Floor {
    /// One floor run over `files`: copies them into a fresh `scratch/floor-copy/` and fsyncs the copies
    /// (timed as one step), hashes the originals (timed as another), then deletes the copies (not timed).
    ///
    /// - Precondition: the files' base names are distinct.
    /// - Returns: seconds of the copy-and-sync step and of the hash step.
    /// - Throws: ``BenchError`` when a command fails.
    static func measure(files: [String], scratch: String) throws -> (copySync: Double, hash: Double) {
        let directory = scratch + "/floor-copy"
        let fm = FileManager.default
        try? fm.removeItem(atPath: directory)
        do {
            try fm.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw BenchError("cannot create \(directory): \(error.localizedDescription)")
        }
        defer { try? fm.removeItem(atPath: directory) }
        let copies = files.map { directory + "/" + ($0 as NSString).lastPathComponent }
        let copy = try ChildProcess.check(["cp"] + files + [directory + "/"], scratch: scratch)
        let sync = try ChildProcess.check(["sync"] + copies, scratch: scratch)
        let hash = try ChildProcess.check(["openssl", "dgst", "-sha256"] + files, scratch: scratch)
        return (copy.wall + sync.wall, hash.wall)
    }
}
