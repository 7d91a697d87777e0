import Foundation
import LoomTesting

/// The committed fuzz inputs under `Tests/Fuzz`, found from this file's location so tests pass from
/// any working directory.
///
/// `corpus/<target>/` holds the seeds made from the fixtures (`Scripts/fuzz-seeds.sh`);
/// `regressions/<target>/` holds every input a fuzz run found crashing, hanging or breaking a promise.
enum FuzzFiles {
    /// A fuzz target: its folder name under `corpus/` and `regressions/`, and its entry point.
    enum Target: String, CaseIterable, Sendable {
        case safetensorsHeader = "safetensors-header"
        case adapterConfig = "adapter-config"

        /// Runs bytes through the target's shared entry, exactly as the libFuzzer binary does.
        func run(_ bytes: [UInt8]) -> FuzzOutcome {
            bytes.withUnsafeBytes { buffer in
                switch self {
                case .safetensorsHeader: FuzzEntries.safetensorsHeader(buffer)
                case .adapterConfig: FuzzEntries.adapterConfig(buffer)
                }
            }
        }
    }

    /// `Tests/Fuzz`.
    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fuzz").path
    }

    /// Paths relative to ``root`` (`"corpus/adapter-config/…"`) of the files in one folder, sorted;
    /// empty when the folder does not exist.
    static func files(_ folder: String, _ target: Target) -> [String] {
        let directory = folder + "/" + target.rawValue
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + directory)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory + "/" + $0 }
    }

    /// Seeds and regressions of every target, as `(target, relative path)` test arguments.
    static var all: [(Target, String)] {
        Target.allCases.flatMap { target in (files("corpus", target) + files("regressions", target)).map { (target, $0) } }
    }

    /// The bytes of a file relative to ``root``.
    static func bytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: root + "/" + relative)))
    }
}
