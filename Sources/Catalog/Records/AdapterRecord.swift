package import Foundation
internal import GRDB
package import LoomJSON

/// A registered adapter version, as stored (one `adapter` row), with its base's name and version for display.
///
/// A value snapshot; it does not change when the catalog does.
package struct AdapterRecord: Sendable, Equatable {
    /// The row id.
    package let id: Int64
    /// The name users register and build with; unique across bases and adapters.
    package let name: String
    /// One more than the highest version the name had ever had when registered (1 for a new name);
    /// a removed version's number is never given again, so `name@version` always means these bytes.
    package let version: Int
    /// The base version it was validated against.
    package let baseID: Int64
    /// The base's name, for display.
    package let baseName: String
    /// The base's version, for display.
    package let baseVersion: Int
    /// `sha256:` of the canonical manifest of its files.
    package let manifestDigest: String
    /// `LORA`, `IA3`, ...
    package let peftType: String
    /// LoRA rank (nil for IA3).
    package let r: Int?
    /// LoRA alpha (nil for IA3).
    package let loraAlpha: Double?
    /// Scale by alpha/sqrt(r) instead of alpha/r.
    package let useRslora: Bool
    /// Weight-decomposed LoRA (magnitude vectors present).
    package let useDora: Bool
    /// A list of names or a regex string, as in the config.
    package let targetModules: JSONValue
    /// In file order.
    package let rankPattern: JSONValue
    /// In file order.
    package let alphaPattern: JSONValue
    /// The whole `adapter_config.json`.
    package let config: JSONValue
    /// What the merge plan found (modules, ranks, scalings, replacements).
    package let summary: JSONValue
    /// Bytes over all files.
    package let totalSize: Int64
    /// The directory it was registered from (informational).
    package let source: String?
    /// When this version was registered (to the millisecond).
    package let createdAt: Date

    /// `name@version`, as users write it.
    package var reference: String { "\(name)@\(version)" }
    /// The base's `name@version`.
    package var baseReference: String { "\(baseName)@\(baseVersion)" }

    /// Columns for `FROM adapter JOIN base ON base.id = adapter.base_id`.
    static let columns =
        "adapter.id, adapter.name, adapter.version, adapter.base_id, base.name AS base_name, "
        + "base.version AS base_version, adapter.manifest_digest, adapter.peft_type, adapter.r, adapter.lora_alpha, "
        + "adapter.use_rslora, adapter.use_dora, adapter.target_modules, adapter.rank_pattern, "
        + "adapter.alpha_pattern, adapter.config, adapter.summary, adapter.total_size, adapter.source, "
        + "adapter.created_at"
    static let from = "adapter JOIN base ON base.id = adapter.base_id"

    init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        name = try row.decode(forColumn: "name")
        version = try row.decode(forColumn: "version")
        baseID = try row.decode(forColumn: "base_id")
        baseName = try row.decode(forColumn: "base_name")
        baseVersion = try row.decode(forColumn: "base_version")
        manifestDigest = try row.decode(forColumn: "manifest_digest")
        peftType = try row.decode(forColumn: "peft_type")
        r = try row.decode(forColumn: "r")
        loraAlpha = try row.decode(forColumn: "lora_alpha")
        useRslora = try row.flag("use_rslora")
        useDora = try row.flag("use_dora")
        targetModules = try row.json("target_modules")
        rankPattern = try row.json("rank_pattern")
        alphaPattern = try row.json("alpha_pattern")
        config = try row.json("config")
        summary = try row.json("summary")
        totalSize = try row.decode(forColumn: "total_size")
        source = try row.decode(forColumn: "source")
        createdAt = try row.time("created_at")
    }
}

/// What a caller supplies to register an adapter version; the catalog assigns id, version and time.
package struct NewAdapter: Sendable, Equatable {
    /// 1 to 128 characters, no `@`; must not be a base's name.
    package var name: String
    /// The base version it was validated against (``BaseRecord/id``).
    package var baseID: Int64
    /// `sha256:` of the canonical manifest; with ``baseID``, the content identity of the version.
    package var manifestDigest: String
    /// As ``AdapterRecord/peftType``.
    package var peftType: String
    /// As ``AdapterRecord/r``.
    package var r: Int?
    /// As ``AdapterRecord/loraAlpha``; must be finite.
    package var loraAlpha: Double?
    /// As ``AdapterRecord/useRslora``.
    package var useRslora: Bool
    /// As ``AdapterRecord/useDora``.
    package var useDora: Bool
    /// As ``AdapterRecord/targetModules``.
    package var targetModules: JSONValue
    /// As ``AdapterRecord/rankPattern``.
    package var rankPattern: JSONValue
    /// As ``AdapterRecord/alphaPattern``.
    package var alphaPattern: JSONValue
    /// As ``AdapterRecord/config``.
    package var config: JSONValue
    /// As ``AdapterRecord/summary``.
    package var summary: JSONValue
    /// As ``AdapterRecord/totalSize``.
    package var totalSize: Int64
    /// As ``AdapterRecord/source``.
    package var source: String?

    /// A draft; see each property.
    package init(
        name: String, baseID: Int64, manifestDigest: String, peftType: String, r: Int?, loraAlpha: Double?,
        useRslora: Bool = false, useDora: Bool = false, targetModules: JSONValue,
        rankPattern: JSONValue = .object([:]), alphaPattern: JSONValue = .object([:]), config: JSONValue,
        summary: JSONValue = .object([:]), totalSize: Int64, source: String? = nil
    ) {
        self.name = name
        self.baseID = baseID
        self.manifestDigest = manifestDigest
        self.peftType = peftType
        self.r = r
        self.loraAlpha = loraAlpha
        self.useRslora = useRslora
        self.useDora = useDora
        self.targetModules = targetModules
        self.rankPattern = rankPattern
        self.alphaPattern = alphaPattern
        self.config = config
        self.summary = summary
        self.totalSize = totalSize
        self.source = source
    }
}
