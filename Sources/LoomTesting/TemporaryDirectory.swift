import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fresh directory under the system temporary directory, removed with everything in it when the
/// object is deallocated.
///
/// Each instance gets its own directory (`mkdtemp`), so parallel tests never share one. Immutable
/// after init and `Sendable`; removal on deinit is best-effort.
public final class TemporaryDirectory: Sendable {
    /// Absolute path of the directory.
    public let path: String

    /// Creates the directory.
    ///
    /// - Parameter prefix: the start of the directory's name, to recognise leftovers.
    /// - Throws: `CocoaError` when the directory cannot be created.
    public init(prefix: String = "loom-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        var template = Array((base + "/" + prefix + ".XXXXXX").utf8CString)
        let created = template.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.flatMap { mkdtemp($0) }.map { String(cString: $0) }
        }
        guard let created else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: base])
        }
        path = created
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Absolute path of `name` inside the directory (the file need not exist).
    public func file(_ name: String) -> String {
        path + "/" + name
    }
}
