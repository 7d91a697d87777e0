import Foundation
import Registry

/// Draws progress on stderr as one rewritten line, at most ten times a second; prints notes as lines.
/// Draws nothing (notes aside) when stderr is not a terminal. Thread-safe.
final class TerminalProgress: ProgressSink, @unchecked Sendable {
    // @unchecked: every mutable field is guarded by `lock`.
    private let lock = NSLock()
    private let draws: Bool
    private var label = ""
    private var total: Int64 = 0
    private var started = Date()
    private var lastDraw = Date.distantPast

    init(enabled: Bool = Terminal.stderrIsTerminal) {
        draws = enabled
    }

    func begin(_ label: String, total: Int64) {
        lock.lock()
        defer { lock.unlock() }
        self.label = label
        self.total = total
        started = Date()
        lastDraw = .distantPast
    }

    func advance(to completed: Int64) {
        guard draws else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(started), 1e-3)
        let rate = Format.bytes(Int64(Double(completed) / elapsed)) + "/s"
        let percent = total > 0 ? String(format: "%3d%%", Int(100 * completed / max(total, 1))) : ""
        FileHandle.standardError.write(Data("\r\u{1B}[K\(label) \(percent) \(Format.bytes(completed))/\(Format.bytes(total)) \(rate)".utf8))
    }

    func end() {
        guard draws else { return }
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    func note(_ message: String) {
        lock.lock()
        defer { lock.unlock() }
        if draws { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        FileHandle.standardError.write(Data("loom: \(message)\n".utf8))
    }
}
