import BlobStore
import LoomCore

extension Registry {
    /// The files a build's adapters ship (``AdapterFiles``) as output entries, and notes saying which
    /// adapter each comes from and whether it replaces the base's file or joins the output.
    ///
    /// Two adapters may ship the same file only with the same bytes: which tokenizer the merged model
    /// should have would otherwise be a guess.
    ///
    /// - Throws: ``RegistryError`` `.invalid` naming both adapters and the file when they differ.
    static func shippedFiles(_ adapters: [(adapter: AdapterRecord, files: [FileEntry])], baseFiles: [FileEntry])
        throws(RegistryError) -> (entries: [Manifest.Entry], notes: [String])
    {
        var chosen: [String: (entry: Manifest.Entry, from: AdapterRecord)] = [:]
        var order: [String] = []
        for (adapter, files) in adapters {
            for file in files where !AdapterFiles.own.contains(file.path) {
                guard let digest = Digest(parsing: file.digest) else { throw .internal("bad digest \(file.digest) in adapter \(adapter.reference)") }
                if let earlier = chosen[file.path] {
                    guard earlier.entry.digest == digest else {
                        throw .invalid(
                            "adapters \(earlier.from.reference) and \(adapter.reference) ship different \(file.path) files; "
                                + "the merged model can have one: build them separately or register one without it")
                    }
                    continue
                }
                chosen[file.path] = (.init(path: file.path, digest: digest, size: file.size), adapter)
                order.append(file.path)
            }
        }
        let basePaths = Set(baseFiles.map(\.path))
        var notes: [String] = []
        for (adapter, _) in adapters {
            let mine = order.filter { chosen[$0]?.from.id == adapter.id }
            let replaced = mine.filter { basePaths.contains($0) }
            let added = mine.filter { !basePaths.contains($0) }
            if !replaced.isEmpty {
                notes.append("\(replaced.joined(separator: ", ")) from adapter \(adapter.reference) replace\(replaced.count == 1 ? "s" : "") the base's")
            }
            if !added.isEmpty {
                notes.append("\(added.joined(separator: ", ")) from adapter \(adapter.reference) (the base has none)")
            }
        }
        return (order.compactMap { chosen[$0]?.entry }, notes)
    }

    /// `entries` with each of `shipped` replacing the entry of the same path or added, sorted by path.
    static func overlay(_ entries: [Manifest.Entry], with shipped: [Manifest.Entry]) -> [Manifest.Entry] {
        let replaced = Set(shipped.map(\.path))
        return (entries.filter { !replaced.contains($0.path) } + shipped).sorted { $0.path < $1.path }
    }
}
