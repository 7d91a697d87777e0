extension ShardIndex {
    /// Checks the index against the shards' contents: every file it names exists, every tensor of
    /// every shard is listed once and mapped to the shard holding it, every listed tensor exists in
    /// its shard, and no tensor is in two shards.
    ///
    /// Checks run in that order, shards in name order, so the error reported for a given input is
    /// always the same. File and tensor names match byte for byte: a name in NFD is not the NFC file
    /// or tensor (transformers, comparing code points, would not find it either). Pure: reads nothing
    /// but its arguments.
    ///
    /// - Parameters:
    ///   - shardTensors: shard file name → names of the tensors in that shard's header. A shard the
    ///     index names but this lacks counts as holding no tensors.
    ///   - existingFiles: the file names present in the index's directory.
    /// - Throws: ``SafetensorsError/shardFileMissing(file:)``, ``SafetensorsError/tensorInSeveralShards(tensor:shards:)``,
    ///   ``SafetensorsError/tensorNotInIndex(tensor:shard:)``, ``SafetensorsError/tensorInWrongShard(tensor:indexed:actual:)``,
    ///   ``SafetensorsError/tensorMissingFromShard(tensor:shard:)``.
    public func validate(shardTensors: [String: [String]], existingFiles: Set<String>) throws(SafetensorsError) {
        let existing = Set(existingFiles.map { Array($0.utf8) })
        for file in files where !existing.contains(Array(file.utf8)) {
            throw .shardFileMissing(file: file)
        }
        let shards = shardTensors.keys.sorted()
        var holders: [[UInt8]: (tensor: String, shards: [String])] = [:]
        for shard in shards {
            for tensor in shardTensors[shard] ?? [] { holders[Array(tensor.utf8), default: (tensor, [])].shards.append(shard) }
        }
        if let (tensor, shardsHolding) = holders.values.filter({ $0.shards.count > 1 }).min(by: { $0.tensor < $1.tensor }) {
            throw .tensorInSeveralShards(tensor: tensor, shards: shardsHolding)
        }
        for shard in shards {
            for tensor in shardTensors[shard] ?? [] {
                guard let indexed = file(for: tensor) else { throw .tensorNotInIndex(tensor: tensor, shard: shard) }
                guard indexed.utf8.elementsEqual(shard.utf8) else {
                    throw .tensorInWrongShard(tensor: tensor, indexed: indexed, actual: shard)
                }
            }
        }
        for (tensor, file) in weightMap where holders[Array(tensor.utf8)] == nil {
            throw .tensorMissingFromShard(tensor: tensor, shard: file)
        }
    }
}
