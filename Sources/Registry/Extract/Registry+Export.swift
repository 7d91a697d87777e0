import BlobStore
package import LoomCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The outcome of `adapter export`.
package struct AdapterExport: Sendable {
    /// The adapter version exported.
    package var record: AdapterRecord
    /// The directory written (absolute).
    package var directory: String
    /// The files written, as registered.
    package var files: [FileEntry]
}

extension Registry {
    /// Writes registered adapter `reference` as a PEFT adapter directory at `directory`: exactly the
    /// files it was registered with (`adapter_config.json`, `adapter_model.safetensors`, tokenizer
    /// files), real files (mode 0644) whose bytes are checked against their digests while copied, so
    /// registering the directory again gives the same manifest digest.
    ///
    /// Atomic: the files are written and fsynced in a hidden sibling directory which is then renamed to
    /// `directory`; on failure nothing is left at `directory`. Not idempotent: an existing non-empty
    /// `directory` is refused (an empty one is replaced). Reads the store only.
    ///
    /// - Throws: ``RegistryError`` `.notFound` when no such adapter is registered; `.conflict` when
    ///   `directory` exists and is not an empty directory; `.io` when a blob is missing or corrupt or a
    ///   write fails.
    package func exportAdapter(_ reference: Reference, to directory: String) throws(RegistryError) -> AdapterExport {
        guard let catalog = try existingCatalog() else { throw .notFound("adapter \(reference) is not registered: \(noStoreMessage)") }
        let record: AdapterRecord
        let files: [FileEntry]
        do {
            guard let found = try catalog.adapter(name: reference.name, version: reference.version) else {
                throw RegistryError.notFound("adapter \(reference) is not registered")
            }
            record = found
            files = try Self.checkedFiles(
                try catalog.adapterFiles(adapterID: found.id), manifestDigest: found.manifestDigest, of: "adapter \(found.reference)")
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(error)
        }
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        try Self.refuseNonEmpty(absolute, shown: directory)
        let parent = (absolute as NSString).deletingLastPathComponent
        let scratch = parent + "/.\((absolute as NSString).lastPathComponent).loom-export-\(UInt64.random(in: 0...UInt64.max))"
        guard mkdir(scratch, 0o755) == 0 else {
            throw .io("cannot create \(Names.quoted(scratch)): \(String(cString: strerror(errno)))")
        }
        do {
            for file in files {
                guard let digest = Digest(parsing: file.digest), !file.path.hasPrefix("/"), !file.path.split(separator: "/").contains("..") else {
                    throw RegistryError.internal("adapter \(record.reference) lists a bad file \(file.path)")
                }
                let destination = scratch + "/" + file.path
                let folder = (destination as NSString).deletingLastPathComponent
                if folder != scratch {
                    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                }
                try PullCopier.copy(blobs.path(of: digest), to: destination, entry: .init(path: file.path, digest: digest, size: file.size))
            }
            try FileSystemSync.directory(scratch)
            guard rename(scratch, absolute) == 0 else {
                let code = errno
                if code == ENOTEMPTY || code == EEXIST || code == ENOTDIR {
                    throw RegistryError.conflict("\(directory) appeared while exporting and is not an empty directory; nothing was written")
                }
                throw RegistryError.io("cannot rename the export into \(Names.quoted(directory)): \(String(cString: strerror(code)))")
            }
            try FileSystemSync.directory(parent)
        } catch let error as RegistryError {
            try? FileManager.default.removeItem(atPath: scratch)
            throw error
        } catch {
            try? FileManager.default.removeItem(atPath: scratch)
            throw .io("cannot export \(record.reference) to \(directory): \(error)")
        }
        return AdapterExport(record: record, directory: absolute, files: files)
    }

    /// Refuses a path that exists and is not an empty directory, and one whose parent does not exist.
    private static func refuseNonEmpty(_ path: String, shown: String) throws(RegistryError) {
        var st = stat()
        if lstat(path, &st) == 0 {
            guard (st.st_mode & S_IFMT) == S_IFDIR else { throw .conflict("\(shown) exists and is not a directory; refusing to replace it") }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? ["?"]
            guard entries.isEmpty else { throw .conflict("\(shown) exists and is not empty; export into a new or empty directory") }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        guard lstat(parent, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw .notFound("the parent directory of \(shown) does not exist")
        }
    }
}
