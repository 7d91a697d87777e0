extension ShardIndex {
    /// Checks the index against the shards' contents: every file it names exists, every tensor of
    /// every shard is listed once and mapped to the shard holding it, every listed tensor exists in
    /// its shard, and no tensor is in two shards.
    ///
    /// Checks run in that order, shards in name order, so the error reported for a given input is
    /// always the same. Pure: reads nothing but its arguments.
    ///
    /// - Parameters:
    ///   - shardTensors: shard file name → names of the tensors in that shard's header. A shard the
    ///     index names but this lacks counts as holding no tensors.
    ///   - existingFiles: the file names present in the index's directory.
    /// - Throws: ``SafetensorsError/shardFileMissing(file:)``, ``SafetensorsError/tensorInSeveralShards(tensor:shards:)``,
    ///   ``SafetensorsError/tensorNotInIndex(tensor:shard:)``, ``SafetensorsError/tensorInWrongShard(tensor:indexed:actual:)``,
    ///   ``SafetensorsError/tensorMissingFromShard(tensor:shard:)``.
    public func validate(shardTensors: [String: [String]], existingFiles: Set<String>) throws(SafetensorsError) {
        for file in files where !existingFiles.contains(file) {
            throw .shardFileMissing(file: file)
        }
        let shards = shardTensors.keys.sorted()
        var holders: [String: [String]] = [:]
        for shard in shards {
            for tensor in shardTensors[shard] ?? [] { holders[tensor, default: []].append(shard) }
        }
        if let (tensor, shardsHolding) = holders.filter({ $0.value.count > 1 }).min(by: { $0.key < $1.key }) {
            throw .tensorInSeveralShards(tensor: tensor, shards: shardsHolding)
        }
        for shard in shards {
            for tensor in shardTensors[shard] ?? [] {
                guard let indexed = file(for: tensor) else { throw .tensorNotInIndex(tensor: tensor, shard: shard) }
                guard indexed == shard else { throw .tensorInWrongShard(tensor: tensor, indexed: indexed, actual: shard) }
            }
        }
        for (tensor, file) in weightMap where holders[tensor] == nil {
            throw .tensorMissingFromShard(tensor: tensor, shard: file)
        }
    }
}
