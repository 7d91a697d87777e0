#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A safetensors file mapped read-only into memory, its header validated before any tensor is touched.
///
/// `init(path:)` maps the whole file (`PROT_READ`, `MAP_PRIVATE`) and closes the descriptor; tensor
/// bytes are views into the mapping, valid until ``close()`` or deinit, whichever comes first. The
/// object is read-only after init, so any number of threads may read tensors concurrently; only
/// ``close()`` must not race with readers.
///
/// - Warning: the file must not be truncated or rewritten while mapped: touching a page past its
///   new end raises `SIGBUS`. Store blobs are immutable, which is what makes mapping them safe.
///
/// ## Topics
/// - ``init(path:)``, ``readHeader(atPath:)``
/// - ``header``, ``fileSize``, ``bytes(of:)``, ``bytes(named:)``, ``fileBytes``
/// - ``adviseSequential()``, ``dropPages(for:)``, ``dropPages(of:)``, ``close()``
public final class SafetensorsFile: @unchecked Sendable {
    /// The path the file was opened with.
    public let path: String
    /// The validated header.
    public let header: SafetensorsHeader
    private let base: UnsafeMutableRawPointer
    // Only close() writes it; the type's contract forbids close() racing with readers.
    private var isMapped = true

    /// The file's size in bytes.
    public var fileSize: Int { header.fileSize }

    /// Opens, maps and validates a safetensors file.
    ///
    /// A path that is not a regular file (directory, FIFO, socket, device) is refused before it is
    /// opened for reading, so a FIFO cannot block the call.
    ///
    /// - Throws: ``SafetensorsError/cannotOpen(path:errno:)``, ``SafetensorsError/notRegularFile(path:)``,
    ///   ``SafetensorsError/fileTooShort(fileSize:)`` (before any mapping, zero-length files included),
    ///   ``SafetensorsError/mapFailed(path:errno:)``, or any header validation case of
    ///   ``SafetensorsHeader/parse(_:fileSize:)``. Nothing stays mapped or open on error.
    public init(path: String) throws(SafetensorsError) {
        let file = try RegularFile(path: path)
        guard file.size >= 8 else { throw .fileTooShort(fileSize: file.size) }
        guard let mapping = mmap(nil, file.size, PROT_READ, MAP_PRIVATE, file.descriptor, 0),
            mapping != UnsafeMutableRawPointer(bitPattern: -1)
        else { throw .mapFailed(path: path, errno: errno) }
        do {
            self.header = try SafetensorsHeader.parse(UnsafeRawBufferPointer(start: mapping, count: file.size), fileSize: file.size)
        } catch {
            munmap(mapping, file.size)
            throw error
        }
        self.path = path
        self.base = mapping
    }

    deinit {
        if isMapped { munmap(base, header.fileSize) }
    }

    /// Unmaps the file. Idempotent.
    ///
    /// Every buffer obtained from this object becomes invalid. Must not run concurrently with any
    /// other use of the object.
    public func close() {
        guard isMapped else { return }
        munmap(base, header.fileSize)
        isMapped = false
    }

    /// The whole file, header included (for hashing or copying without another read).
    ///
    /// Valid until ``close()`` or deinit. - Precondition: the file is not closed.
    public var fileBytes: UnsafeRawBufferPointer {
        precondition(isMapped, "\(path): used after close()")
        return UnsafeRawBufferPointer(start: base, count: header.fileSize)
    }

    /// A tensor's bytes, straight from the mapping (no copy).
    ///
    /// Valid until ``close()`` or deinit; the caller must keep this object alive while using them.
    /// Reading a page may fault it in from disk.
    ///
    /// - Precondition: `tensor` is one of ``header``'s tensors and the file is not closed.
    public func bytes(of tensor: TensorInfo) -> UnsafeRawBufferPointer {
        precondition(header.tensor(named: tensor.name) == tensor, "\(path): tensor \(tensor.name) is not from this file")
        return UnsafeRawBufferPointer(rebasing: fileBytes[header.fileRange(of: tensor)])
    }

    /// The bytes of the tensor with this name, or nil when there is none; see ``bytes(of:)``.
    public func bytes(named name: String) -> UnsafeRawBufferPointer? {
        header.tensor(named: name).map { bytes(of: $0) }
    }

    /// Tells the kernel the file will be read front to back (`MADV_SEQUENTIAL`): more read-ahead, and
    /// pages behind the reader are dropped sooner. Advisory; never fails.
    public func adviseSequential() {
        guard isMapped else { return }
        _ = madvise(base, header.fileSize, MADV_SEQUENTIAL)
    }

    /// Releases the resident pages that lie entirely within `range` (`MADV_DONTNEED`).
    ///
    /// The mapping is read-only and private, so nothing is lost: a later read faults the pages back in
    /// from the file. Use it after processing a tensor of a large file to keep RSS bounded. Pages
    /// shared with bytes outside `range` are kept, except the file's last, partial page. Advisory;
    /// never fails; a range outside the file is clipped.
    ///
    /// - Parameter range: absolute file offsets (see ``SafetensorsHeader/fileRange(of:)``).
    public func dropPages(for range: Range<Int>) {
        guard isMapped else { return }
        let size = header.fileSize
        let lower = min(max(range.lowerBound, 0), size)
        let upper = min(max(range.upperBound, 0), size)
        let page = Self.pageSize
        let start = (lower + page - 1) / page * page
        let end = upper == size ? (size + page - 1) / page * page : upper / page * page
        guard start < end else { return }
        _ = madvise(base + start, end - start, MADV_DONTNEED)
    }

    /// Releases the resident pages of a tensor's bytes; see ``dropPages(for:)``.
    public func dropPages(of tensor: TensorInfo) {
        dropPages(for: header.fileRange(of: tensor))
    }

    private static let pageSize = max(Int(sysconf(Int32(_SC_PAGESIZE))), 1)

    /// Reads and validates only the header, with `pread` and no mapping: a fast check at registration.
    ///
    /// Reads 8 + `N` bytes (at most 100 MB + 8, and never more than the file holds). The data
    /// section's layout is validated against the file size, not read.
    ///
    /// - Throws: the same errors as ``init(path:)``, with ``SafetensorsError/readFailed(path:errno:)``
    ///   instead of `mapFailed`.
    public static func readHeader(atPath path: String) throws(SafetensorsError) -> SafetensorsHeader {
        let file = try RegularFile(path: path)
        guard file.size >= 8 else { throw .fileTooShort(fileSize: file.size) }
        // Raw buffers rather than arrays: Array's closure-taking accessors are not typed-throws.
        let first8 = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 8)
        defer { first8.deallocate() }
        try file.read(into: first8, at: 0)
        let count = try SafetensorsHeader.headerByteCount(first8: UnsafeRawBufferPointer(first8), fileSize: file.size)
        let prefix = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 8)
        defer { prefix.deallocate() }
        try file.read(into: prefix, at: 0)
        return try SafetensorsHeader.parse(UnsafeRawBufferPointer(prefix), fileSize: file.size)
    }
}
