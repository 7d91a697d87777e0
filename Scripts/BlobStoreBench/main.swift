// Ingest throughput: FileSystemBlobStore vs `cp` + `sync` + `openssl dgst -sha256` of the same file,
// measured in the same run. Built and run by Scripts/bench-blobstore.sh; not part of the package.
import BlobStore
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 3 else {
    print("usage: BlobStoreBench SOURCE SCRATCH_DIR [ROUNDS]")
    exit(2)
}
let source = arguments[1]
let scratch = arguments[2]
let rounds = arguments.count > 3 ? Int(arguments[3]) ?? 3 : 3
let fm = FileManager.default

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func run(_ command: String, _ args: [String]) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command)
    process.arguments = args
    process.standardOutput = FileHandle.nullDevice
    try! process.run()
    process.waitUntilExit()
    precondition(process.terminationStatus == 0, "\(command) failed")
}

func syncAll() { run("/bin/sync", []) }

let size = (try fm.attributesOfItem(atPath: source)[.size] as? NSNumber)?.int64Value ?? 0
let gib = Double(size) / Double(1 << 30)
// Warm the page cache for the source.
run("/bin/cat", [source])

func maxResidentMiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss / 1024
}

var loomTimes: [Double] = []
var baselineTimes: [Double] = []
var best = (loom: Double.infinity, writer: Double.infinity, cp: Double.infinity, sync: Double.infinity, openssl: Double.infinity)
for round in 1...rounds {
    let root = scratch + "/store-\(round)"
    try? fm.removeItem(atPath: root)
    syncAll()
    let store = try FileSystemBlobStore(root: root)
    let loom = try seconds { _ = try store.ingest(contentsOf: source) }
    if round == 1 { print("max resident memory after the first ingest: \(maxResidentMiB()) MiB") }
    try? fm.removeItem(atPath: root)
    syncAll()

    // A producer handing the writer 1 MiB pieces of an in-memory (mapped) buffer.
    let data = try Data(contentsOf: URL(fileURLWithPath: source), options: .alwaysMapped)
    let writerRoot = scratch + "/writer-\(round)"
    let writerStore = try FileSystemBlobStore(root: writerRoot)
    let writer = try seconds {
        let w = try writerStore.makeWriter()
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = min(1 << 20, raw.count - offset)
                try w.write(UnsafeRawBufferPointer(rebasing: raw[offset..<offset + n]))
                offset += n
            }
        }
        _ = try w.commit()
    }
    try? fm.removeItem(atPath: writerRoot)
    syncAll()

    let copy = scratch + "/copy-\(round)"
    let cp = seconds { run("/bin/cp", [source, copy]) }
    let sync = seconds { syncAll() }
    let openssl = seconds { run("/usr/bin/openssl", ["dgst", "-sha256", source]) }
    try? fm.removeItem(atPath: copy)
    syncAll()

    let baseline = cp + sync + openssl
    loomTimes.append(loom)
    baselineTimes.append(baseline)
    print(String(format: "round %d: loom ingest %.3f s (%.2f GiB/s) | writer 1 MiB pieces %.3f s | cp %.3f + sync %.3f + openssl %.3f = %.3f s | ratio %.2f",
                 round, loom, gib / loom, writer, cp, sync, openssl, baseline, loom / baseline))
    best = (min(best.loom, loom), min(best.writer, writer), min(best.cp, cp), min(best.sync, sync), min(best.openssl, openssl))
}
let baseline = best.cp + best.sync + best.openssl
print(String(format: "best: loom %.3f s, writer %.3f s, cp+sync+openssl %.3f s, ratio %.2f (target <= 0.80)",
             best.loom, best.writer, baseline, best.loom / baseline))
func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
print(String(format: "median: loom %.3f s, cp+sync+openssl %.3f s, ratio %.2f",
             median(loomTimes), median(baselineTimes), median(loomTimes) / median(baselineTimes)))
