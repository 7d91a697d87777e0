import Foundation

/// A fresh temporary directory per test, removed when the value is deinitialized.
final class TestDirectory {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("loom-catalog-tests-\(UUID().uuidString)", isDirectory: true)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// A path inside the directory.
    func path(_ component: String) -> String { url.appendingPathComponent(component).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
