/// A content-addressed blob store: read, ingest and manage, composed.
///
/// Lifecycle of a blob: an ingest (``BlobIngester``) writes into a private temporary file under
/// `ingest/`, invisible to readers; commit checks the digest (and size), makes the file read-only,
/// fsyncs it and renames it to `blobs/sha256/<xx>/<hex>`, then fsyncs the directory. From then on
/// the blob is immutable and visible to every ``BlobReader``, until a ``BlobManager`` deletes it.
/// A crash at any step leaves at worst a file in `ingest/` or an unreferenced complete blob, never a
/// partial file or wrong bytes under a blob name.
///
/// Take the narrowest protocol you need: readers take ``BlobReader``, garbage collection ``BlobManager``.
public typealias BlobStore = BlobReader & BlobIngester & BlobManager
