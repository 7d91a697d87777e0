import Safetensors

/// Which files of a base directory are weights, index, config, stored, or skipped — the files
/// transformers' `from_pretrained` would load, and nothing that could be taken for them.
///
/// - `model.safetensors` wins when present: transformers loads it and never reads a shard index
///   then, so any index and every other top-level `.safetensors` file is skipped (with a note).
/// - Otherwise one `*.safetensors.index.json` names the shards; it is parsed here (once) and must
///   name only `.safetensors` files. Without an index there must be exactly one `.safetensors` file.
/// - Pickle weights and `.safetensors` files in subdirectories are skipped (with a note).
///
/// File names are compared as bytes (``Names/sameBytes(_:_:)``). A value type; reads only the index.
struct BaseFiles {
    static let singleFileName = "model.safetensors"

    let shards: [ModelDirectory.File]
    /// The index file and its parsed contents, when the shards come from one.
    let index: (file: ModelDirectory.File, parsed: ShardIndex)?
    let config: ModelDirectory.File
    /// Every file to copy into the store (shards, index, config, tokenizer, …).
    let stored: [ModelDirectory.File]

    /// - Throws: ``RegistryError`` `.invalid` naming the directory and the culprit.
    init(_ dir: ModelDirectory, notes: inout [String]) throws(RegistryError) {
        let topLevel = dir.files.filter { !$0.relativePath.utf8.contains(UInt8(ascii: "/")) }
        let indexes = topLevel.filter { Names.hasSuffixBytes($0.relativePath, ".safetensors.index.json") }
        var weights = topLevel.filter { Names.hasSuffixBytes($0.relativePath, ".safetensors") }
        let pickles = dir.files.filter { f in Registry.skippedWeightExtensions.contains { Names.hasSuffixBytes(f.relativePath, $0) } }
        guard !weights.isEmpty else {
            if let pickle = pickles.first {
                throw .invalid(
                    "\(dir.path) has no .safetensors weights, only \(pickle.relativePath): loom never unpickles weights; convert them to safetensors first")
            }
            throw .invalid("\(dir.path) has no .safetensors weights")
        }
        var ignored: [ModelDirectory.File] = []
        if let single = weights.first(where: { Names.sameBytes($0.relativePath, Self.singleFileName) }), !indexes.isEmpty {
            ignored = indexes + weights.filter { $0 != single }
            notes.append(
                "skipped \(ignored.map(\.relativePath).joined(separator: ", ")): transformers loads model.safetensors when it is present and ignores the shard index")
            weights = [single]
            index = nil
        } else {
            guard indexes.count <= 1 else {
                throw .invalid("\(dir.path) has several shard indexes (\(indexes.map(\.relativePath).joined(separator: ", "))); register one model per directory")
            }
            if let file = indexes.first {
                let parsed = try Self.parseIndex(file, in: dir)
                let listed = try Self.listedShards(parsed, file: file, in: dir, weights: weights)
                let extra = weights.filter { !listed.contains(Names.bytes($0.relativePath)) }
                if !extra.isEmpty {
                    notes.append("skipped \(extra.map(\.relativePath).joined(separator: ", ")): not in \(file.relativePath)")
                }
                ignored = extra
                weights = weights.filter { listed.contains(Names.bytes($0.relativePath)) }
                index = (file, parsed)
            } else {
                guard weights.count == 1 else {
                    throw .invalid("\(dir.path) has \(weights.count) .safetensors files but no model.safetensors.index.json saying how they combine")
                }
                index = nil
            }
        }
        shards = weights
        guard let config = topLevel.first(where: { Names.sameBytes($0.relativePath, "config.json") }) else {
            throw .invalid("\(dir.path) has no config.json")
        }
        self.config = config
        if !pickles.isEmpty {
            notes.append("skipped \(pickles.map(\.relativePath).joined(separator: ", ")): other weight formats are not stored")
        }
        let nested = dir.files.filter { $0.relativePath.utf8.contains(UInt8(ascii: "/")) && Names.hasSuffixBytes($0.relativePath, ".safetensors") }
        if !nested.isEmpty {
            notes.append("skipped \(nested.map(\.relativePath).joined(separator: ", ")): weights in subdirectories are not part of the model")
        }
        let left = Set((pickles + nested + ignored).map { Names.bytes($0.relativePath) })
        stored = dir.files.filter { !left.contains(Names.bytes($0.relativePath)) }
    }

    /// The index `file` of `dir`, parsed.
    ///
    /// - Throws: ``RegistryError`` naming the index: unreadable, over 64 MiB, or not a valid index.
    private static func parseIndex(_ file: ModelDirectory.File, in dir: ModelDirectory) throws(RegistryError) -> ShardIndex {
        let shown = dir.path + "/" + file.relativePath
        let bytes = try Registry.readSmallFile(file.resolvedPath, shown: shown)
        do {
            return try ShardIndex.parse(bytes)
        } catch {
            throw .invalid("\(shown): \(error)")
        }
    }

    /// The shard file names `index` lists, as bytes, after refusing an empty weight map, a listed
    /// file that is not a `.safetensors` file, and a listed name that matches a weights file on disk
    /// only up to Unicode normalization.
    private static func listedShards(
        _ index: ShardIndex, file: ModelDirectory.File, in dir: ModelDirectory, weights: [ModelDirectory.File]
    ) throws(RegistryError) -> Set<[UInt8]> {
        let shown = dir.path + "/" + file.relativePath
        guard !index.files.isEmpty else { throw .invalid("\(shown) names no shard: its weight_map is empty") }
        for name in index.files where !Names.hasSuffixBytes(name, ".safetensors") {
            let tensor = index.weightMap.first { Names.sameBytes($0.file, name) }?.tensor ?? ""
            throw .invalid(
                "\(shown) maps tensor \(Names.quoted(tensor)) to \(Names.quoted(name)), which is not a .safetensors file: an index names weight shards only")
        }
        for name in index.files where !weights.contains(where: { Names.sameBytes($0.relativePath, name) }) {
            if let twin = weights.first(where: { $0.relativePath == name }) {
                throw .invalid(
                    "\(shown) names shard \(Names.scalarsShown(name)), but the file is \(Names.scalarsShown(twin.relativePath)): "
                        + "the names differ in Unicode normalization, and transformers would not find it")
            }
        }
        return Set(index.files.map(Names.bytes))
    }
}
