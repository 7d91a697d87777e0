/// Receives progress of long operations (hashing, merging, verifying). The CLI draws it on a terminal.
///
/// Calls come from the thread doing the work, in order: `begin`, any number of `advance`, `end`.
/// Implementations must be cheap: `advance` may be called for every chunk of a file.
public protocol ProgressSink: Sendable {
    /// A task starts; `total` is in bytes (0 when unknown).
    func begin(_ label: String, total: Int64)
    /// The task has done `completed` bytes so far.
    func advance(to completed: Int64)
    /// The task is done.
    func end()
    /// A line for the user that is not part of the result (a note, a wait).
    func note(_ message: String)
}

/// Discards progress.
public struct SilentProgress: ProgressSink {
    public init() {}
    public func begin(_ label: String, total: Int64) {}
    public func advance(to completed: Int64) {}
    public func end() {}
    public func note(_ message: String) {}
}
