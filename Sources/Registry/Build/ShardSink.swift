import BlobStore

/// One output file being streamed into the blob store, with progress.
///
/// Owns a `BlobWriter` (hashing overlapped with writing); ``commit()`` makes the blob visible, and
/// ``abortIfOpen()`` (called on every exit path) removes the temporary file of a failed write.
struct ShardSink {
    private var writer: BlobWriter?
    private let label: String
    private let progress: any ProgressSink
    private var written: Int64 = 0

    init(store: any BlobIngester, label: String, total: Int64, progress: any ProgressSink) throws(RegistryError) {
        do {
            writer = try store.makeWriter()
        } catch {
            throw RegistryError(error)
        }
        self.label = label
        self.progress = progress
        progress.begin("merging \(label)", total: total)
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(RegistryError) {
        guard let writer else { throw .internal("write after commit to \(label)") }
        do {
            try writer.write(bytes)
        } catch {
            throw .io("cannot write \(label): \(error)")
        }
        written += Int64(bytes.count)
        progress.advance(to: written)
    }

    mutating func write(_ bytes: [UInt8]) throws(RegistryError) {
        var failure: RegistryError?
        bytes.withUnsafeBytes { raw in
            do { try write(raw) } catch { failure = RegistryError(error) }
        }
        if let failure { throw failure }
    }

    mutating func commit() throws(RegistryError) -> IngestResult {
        guard let writer else { throw .internal("double commit of \(label)") }
        self.writer = nil
        progress.end()
        do {
            return try writer.commit()
        } catch {
            throw .io("cannot store \(label): \(error)")
        }
    }

    mutating func abortIfOpen() {
        if let writer {
            writer.abort()
            self.writer = nil
            progress.end()
        }
    }
}
