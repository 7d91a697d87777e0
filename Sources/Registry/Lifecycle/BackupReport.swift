/// What `loom backup` wrote.
package struct BackupReport: Sendable, Equatable {
    /// The absolute path of the new store.
    package var path: String
    /// Bytes of the copied `catalog.sqlite`.
    package var catalogBytes: Int64
    /// Blobs the copy holds (0 with `catalogOnly`), and their bytes.
    package var blobs: Int
    package var bytes: Int64
    /// Of those, how many are hard links to this store's files, and how many were copied (and rehashed).
    package var linked: Int
    package var copied: Int
    /// True when only the catalog was copied.
    package var catalogOnly: Bool
}
