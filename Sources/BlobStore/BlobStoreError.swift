#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error from the blob store: a ``kind`` for callers to switch on (exit codes, retries) and one
/// clear line naming the digest or path involved and, for system calls, the errno text.
///
/// A struct with static kinds rather than an enum so kinds can be added without breaking a `switch`.
public struct BlobStoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, coarsely; `switch` over it with a `default`.
    public struct Kind: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The blob or file asked for does not exist.
        public static let notFound = Kind("not found")
        /// The argument is not acceptable (a path outside `ingest/`, a writer used after commit…).
        public static let invalid = Kind("invalid")
        /// The bytes do not hash to the expected digest.
        public static let digestMismatch = Kind("digest mismatch")
        /// The bytes are not the expected number.
        public static let sizeMismatch = Kind("size mismatch")
        /// A system call failed; ``BlobStoreError/errno`` says why.
        public static let io = Kind("i/o error")
        /// The process was asked to stop (``Interruption``); the write was abandoned and its file removed.
        public static let interrupted = Kind("interrupted")

        public var description: String { name }
    }

    /// The kind of failure.
    public let kind: Kind
    /// The one-line message, naming the culprit.
    public let message: String
    /// The errno of the failed system call, for ``Kind/io`` (`ENOSPC` for a full disk).
    public let errno: Int32?

    package init(_ kind: Kind, _ message: String, errno: Int32? = nil) {
        self.kind = kind
        self.message = message
        self.errno = errno
    }

    /// An ``Kind/io`` error for `operation` on `path` that failed with `code`
    /// ("write <path>: No space left on device (errno 28)").
    package static func system(_ operation: String, _ path: String, errno code: Int32) -> BlobStoreError {
        let text = String(cString: strerror(code))
        return BlobStoreError(.io, "\(operation) \(path): \(text) (errno \(code))", errno: code)
    }

    /// ``system(_:_:errno:)`` with the calling thread's current `errno`.
    package static func lastSystemError(_ operation: String, _ path: String) -> BlobStoreError {
        system(operation, path, errno: currentErrno())
    }

    /// The same error with `context` put in front of the message ("ingest of /src/model.bin: …").
    package func prefixed(_ context: String) -> BlobStoreError {
        BlobStoreError(kind, "\(context): \(message)", errno: errno)
    }

    public var description: String { message }
}

/// The calling thread's errno (the `errno` member name shadows the C variable inside the error type).
package func currentErrno() -> Int32 {
    #if canImport(Glibc)
    return Glibc.errno
    #else
    return Darwin.errno
    #endif
}
