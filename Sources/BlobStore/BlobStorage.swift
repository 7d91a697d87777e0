/// A content-addressed blob store, named by digests only (no file paths): read, ingest and manage,
/// composed. Registry, gc, verify and the conformance suite (`LoomTesting.BlobStoreConformance`) see a
/// store through this; local files, where a store has them, come through ``LocalBlobAccess``.
///
/// Lifecycle of a blob: a ``BlobWriter`` from ``BlobIngester/makeWriter()`` takes the bytes privately,
/// invisible to readers; ``BlobWriter/commit(expecting:size:)`` checks the digest (and size) and makes
/// the blob visible in one atomic step. From then on it is immutable and visible to every
/// ``BlobReader``, until a ``BlobManager`` deletes it. A failed, aborted or abandoned write (or a crash
/// at any step) leaves no blob and never a partial or wrong one under a digest.
///
/// Concurrency: every implementation is safe to use from any thread, and writers of the same bytes may
/// race (in threads or, for a shared backend, processes): all succeed, exactly one reports a new blob.
/// What a caller must not assume: that a blob it saw still exists (another process may delete it, which
/// only gc does, under its catalog lock); that listing order means anything beyond digest order; that
/// ``StoredBlob/modified`` is more than the commit time as the backend records it.
///
/// Take the narrowest protocol you need: readers take ``BlobReader``, garbage collection ``BlobManager``.
public typealias BlobStorage = BlobReader & BlobIngester & BlobManager

/// A store that also hands out local files and ingests local files: what the Registry needs today
/// (the merge mmaps its inputs). The file-system store is one; an object store with a local cache can be
/// another.
public typealias LocalBlobStore = BlobStorage & LocalBlobAccess & LocalBlobIngester
