import Foundation

/// Where the committed test fixtures are, found from this source file's location so that tests pass
/// from any working directory and on a fresh clone.
///
/// The package root is three levels above this file (`<root>/Sources/LoomTesting/Fixtures.swift`).
/// Stateless and thread-safe.
public enum Fixtures {
    /// Absolute path of the package root (the directory holding `Package.swift`).
    public static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
    }

    /// Absolute path of the PEFT fixtures, `Tests/Fixtures/peft`.
    public static var root: String {
        packageRoot + "/Tests/Fixtures/peft"
    }

    /// Absolute path of a file or directory under ``root`` (`"bases/llama-tiny/model.safetensors"`).
    public static func path(_ relative: String) -> String {
        root + "/" + relative
    }

    /// Absolute path of the second PEFT fixture set (merge engine v2: combinations, QLoRA, MoE experts,
    /// extraction), `Tests/Fixtures/peft-v2`.
    public static var v2Root: String {
        packageRoot + "/Tests/Fixtures/peft-v2"
    }

    /// Absolute path of a file or directory under ``v2Root`` (`"bases/llama-q/model.safetensors"`).
    public static func v2Path(_ relative: String) -> String {
        v2Root + "/" + relative
    }
}
