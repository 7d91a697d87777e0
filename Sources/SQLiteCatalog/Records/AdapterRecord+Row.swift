internal import GRDB
internal import LoomCore
internal import LoomJSON
internal import Foundation

/// Decoding a `AdapterRecord` from its SQLite row.
extension AdapterRecord {
    /// Columns for `FROM adapter JOIN base ON base.id = adapter.base_id`.
    static let columns =
        "adapter.id, adapter.name, adapter.version, adapter.base_id, base.name AS base_name, "
        + "base.version AS base_version, adapter.manifest_digest, adapter.peft_type, adapter.r, adapter.lora_alpha, "
        + "adapter.use_rslora, adapter.use_dora, adapter.target_modules, adapter.rank_pattern, "
        + "adapter.alpha_pattern, adapter.config, adapter.summary, adapter.total_size, adapter.source, "
        + "adapter.created_at"

    static let from = "adapter JOIN base ON base.id = adapter.base_id"

    init(row: Row) throws {
        let id: Int64 = try row.decode(forColumn: "id")
        let name: String = try row.decode(forColumn: "name")
        let version: Int = try row.decode(forColumn: "version")
        let baseID: Int64 = try row.decode(forColumn: "base_id")
        let baseName: String = try row.decode(forColumn: "base_name")
        let baseVersion: Int = try row.decode(forColumn: "base_version")
        let manifestDigest: String = try row.decode(forColumn: "manifest_digest")
        let peftType: String = try row.decode(forColumn: "peft_type")
        let r: Int? = try row.decode(forColumn: "r")
        let loraAlpha: Double? = try row.decode(forColumn: "lora_alpha")
        let useRslora: Bool = try row.flag("use_rslora")
        let useDora: Bool = try row.flag("use_dora")
        let targetModules: JSONValue = try row.json("target_modules")
        let rankPattern: JSONValue = try row.json("rank_pattern")
        let alphaPattern: JSONValue = try row.json("alpha_pattern")
        let config: JSONValue = try row.json("config")
        let summary: JSONValue = try row.json("summary")
        let totalSize: Int64 = try row.decode(forColumn: "total_size")
        let source: String? = try row.decode(forColumn: "source")
        let createdAt: Date = try row.time("created_at")
        self.init(id: id, name: name, version: version, baseID: baseID, baseName: baseName, baseVersion: baseVersion, manifestDigest: manifestDigest, peftType: peftType, r: r, loraAlpha: loraAlpha, useRslora: useRslora, useDora: useDora, targetModules: targetModules, rankPattern: rankPattern, alphaPattern: alphaPattern, config: config, summary: summary, totalSize: totalSize, source: source, createdAt: createdAt)
    }
}
