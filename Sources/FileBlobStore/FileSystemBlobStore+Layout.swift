public import LoomCore
public import BlobStore

extension FileSystemBlobStore {
    public func path(of digest: Digest) -> String {
        layout.path(of: digest)
    }

    public func relativePath(of digest: Digest) -> String {
        StoreLayout.relativePath(of: digest)
    }

    public func blobDirectory(ofStoreAt root: String) -> String {
        StoreLayout(root: root).digestDirectory
    }

    public var ingestDirectory: String { layout.ingestDirectory }

    public func store(at root: String) throws -> any LocalBlobStore {
        try FileSystemBlobStore(root: root, writeLimitForTesting: writeLimit)
    }
}
