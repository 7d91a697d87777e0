import LoomCore
import BlobStore
import Foundation
import LoomJSON
import Safetensors

/// A fully fine-tuned model directory, validated as strictly as `loom base add` validates a base
/// (``BaseFiles``: the same file rules, headers, shard index and config.json), opened for reading.
///
/// Owns its memory maps until ``close()``. Not safe to use from several threads at once.
final class TunedModel {
    /// The directory as the user named it, for messages.
    let shown: String
    /// The resolved directory path.
    let path: String
    /// The manifest digest `loom base add` would record for the directory.
    let manifestDigest: Digest
    /// Every tensor, by name, with the open shard holding it.
    let tensors: [String: (file: SafetensorsFile, info: TensorInfo)]
    private let files: [SafetensorsFile]

    /// Opens and validates the directory; reads and hashes every file it would store.
    ///
    /// - Throws: ``RegistryError`` `.invalid` naming the directory and the culprit (the refusals of
    ///   `base add`: pickle-only weights, several indexes, a bad header or index, no config.json, a tensor
    ///   in two shards); `.io` when a file cannot be read.
    init(directory: String, store: String, layout: any LocalBlobAccess, notes: inout [String]) throws(RegistryError) {
        shown = directory
        let dir = try ModelDirectory(directory, store: store, layout: layout)
        path = dir.path
        let plan = try BaseFiles(dir, notes: &notes)
        var opened: [SafetensorsFile] = []
        var byName: [String: (file: SafetensorsFile, info: TensorInfo)] = [:]
        var entries: [Manifest.Entry] = []
        do {
            var headers: [String: SafetensorsHeader] = [:]
            for shard in plan.shards {
                let file: SafetensorsFile
                do {
                    file = try SafetensorsFile(path: shard.resolvedPath)
                } catch {
                    throw RegistryError.invalid("\(directory)/\(shard.relativePath): \(error)")
                }
                opened.append(file)
                headers[shard.relativePath] = file.header
                for t in file.header.tensors {
                    guard byName[t.name] == nil else {
                        throw RegistryError.invalid("\(directory): tensor \(Names.quoted(t.name)) is in more than one shard")
                    }
                    byName[t.name] = (file, t)
                }
            }
            if let (indexFile, index) = plan.index {
                do {
                    try index.validate(
                        shardTensors: headers.mapValues { $0.tensors.map(\.name) }, existingFiles: Set(plan.shards.map(\.relativePath)))
                } catch {
                    throw RegistryError.invalid("\(directory)/\(indexFile.relativePath): \(error)")
                }
            }
            let configBytes = try Registry.readSmallFile(plan.config.resolvedPath, shown: directory + "/config.json")
            guard (try? JSONParser().parse(configBytes).objectValue) != nil else {
                throw RegistryError.invalid("\(directory)/config.json is not a JSON object")
            }
            let mapped = Dictionary(uniqueKeysWithValues: zip(plan.shards.map(\.relativePath), opened))
            for file in plan.stored {
                let digest: Digest
                if let shard = mapped[file.relativePath] {
                    digest = Digest(hashing: shard.fileBytes)
                    // Hashing touched every page; the comparison reads tensors again one at a time.
                    shard.dropPages(for: 0..<shard.fileSize)
                } else {
                    do {
                        let data = try Data(contentsOf: URL(fileURLWithPath: file.resolvedPath), options: .alwaysMapped)
                        digest = data.withUnsafeBytes { Digest(hashing: $0) }
                    } catch {
                        throw RegistryError.io("cannot read \(directory)/\(file.relativePath): \(error.localizedDescription)")
                    }
                }
                entries.append(.init(path: file.relativePath, digest: digest, size: file.size))
            }
        } catch let error as RegistryError {
            for f in opened { f.close() }
            throw error
        } catch {
            for f in opened { f.close() }
            throw .internal("\(error)")
        }
        files = opened
        tensors = byName
        manifestDigest = Manifest(entries).digest
    }

    /// Unmaps every shard; the tensors' bytes must not be used afterwards. Idempotent.
    func close() {
        for f in files { f.close() }
    }
}
