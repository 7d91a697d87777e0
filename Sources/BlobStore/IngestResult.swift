public import LoomCore

/// What an ingest committed.
public struct IngestResult: Hashable, Sendable {
    /// The digest of the ingested bytes (checked against the expected one, when given).
    public let digest: Digest
    /// The number of bytes ingested.
    public let size: Int64
    /// True when the blob was already in the store: nothing new was put under `blobs/` and the
    /// existing file was left untouched.
    public let existed: Bool

    /// The digest and size without the `existed` flag.
    public var info: BlobInfo { BlobInfo(digest: digest, size: size) }

    /// Builds a result; checks nothing.
    public init(digest: Digest, size: Int64, existed: Bool) {
        self.digest = digest
        self.size = size
        self.existed = existed
    }
}
