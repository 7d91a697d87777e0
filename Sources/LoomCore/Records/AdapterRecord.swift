package import Foundation
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

    /// A record with the given fields (backends decode rows into it; tests build it directly).
    package init(id: Int64, name: String, version: Int, baseID: Int64, baseName: String, baseVersion: Int, manifestDigest: String, peftType: String, r: Int?, loraAlpha: Double?, useRslora: Bool, useDora: Bool, targetModules: JSONValue, rankPattern: JSONValue, alphaPattern: JSONValue, config: JSONValue, summary: JSONValue, totalSize: Int64, source: String?, createdAt: Date) {
        self.id = id
        self.name = name
        self.version = version
        self.baseID = baseID
        self.baseName = baseName
        self.baseVersion = baseVersion
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
        self.createdAt = createdAt
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
