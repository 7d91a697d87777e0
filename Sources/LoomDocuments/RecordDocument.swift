package import LoomCore
package import Foundation
package import LoomJSON
import Registry

/// The JSON shape of each catalog record (docs/architecture.md "JSON"): full digests, ISO-8601 times, a stable field
/// order. The documents of every command and endpoint are built from these, so that a base reads the same
/// in `ls`, `show`, `base add`, `rm`, `audit` and the HTTP API.
///
/// Pure functions of their arguments; safe from any thread. The record fields are read here and nowhere
/// else in this module, so a change of record types is adapted in this file.
package enum RecordDocument {
    /// `2026-11-29T14:56:38.123Z`.
    package static func time(_ date: Date) -> JSONValue { .string(Timestamps.iso(date)) }

    /// `[{path, digest, size}]` in manifest order.
    package static func files(_ files: [FileEntry]) -> JSONValue {
        .array(files.map { .object(["path": .string($0.path), "digest": .string($0.digest), "size": .int($0.size)]) })
    }

    /// A base's fields; `hf_repo`, `hf_revision` (null when unknown) and `aliases` (of its name) last.
    package static func base(_ b: BaseRecord, aliases: [String] = []) -> JSONObject {
        [
            "name": .string(b.name), "version": .int(b.version), "ref": .string("\(b.name)@\(b.version)"),
            "digest": .string(b.manifestDigest), "architecture": b.architecture.map { .string($0) } ?? .null,
            "model_type": b.modelType.map { .string($0) } ?? .null, "dtype": .string(b.dtype),
            "parameters": .int(b.parameterCount), "size": .int(b.totalSize), "tie_word_embeddings": .bool(b.tieWordEmbeddings),
            "source": b.source.map { .string($0) } ?? .null, "created_at": time(b.createdAt),
            "hf_repo": b.hfRepo.map { .string($0) } ?? .null, "hf_revision": b.hfRevision.map { .string($0) } ?? .null,
            "aliases": .array(aliases.map { .string($0) }),
        ]
    }

    /// An adapter's fields, its parsed config among them (`target_modules`, patterns as recorded).
    package static func adapter(_ a: AdapterRecord) -> JSONObject {
        [
            "name": .string(a.name), "version": .int(a.version), "ref": .string(a.reference), "digest": .string(a.manifestDigest),
            "base": .string(a.baseReference), "peft_type": .string(a.peftType), "r": a.r.map { .int($0) } ?? .null,
            "lora_alpha": a.loraAlpha.map { .double($0) } ?? .null, "use_rslora": .bool(a.useRslora), "use_dora": .bool(a.useDora),
            "target_modules": a.targetModules, "rank_pattern": a.rankPattern, "alpha_pattern": a.alphaPattern,
            "size": .int(a.totalSize), "source": a.source.map { .string($0) } ?? .null, "created_at": time(a.createdAt),
        ]
    }

    /// An artifact's fields. `path`: its materialized directory (null when not materialized; a server may put
    /// another locator there). `hold`: the live hold that lasts longest (``Registry/liveHolds()``), shown as
    /// `held_until` and `held_by` (both null without one).
    package static func artifact(_ a: ArtifactRecord, path: String?, hold: HoldRecord? = nil) -> JSONObject {
        var o: JSONObject = [
            "key": .string(a.key), "path": path.map { .string($0) } ?? .null, "name": .string(Names.artifactLabel(a)),
            "base": .string(a.baseDigest), "dtype": .string(a.dtype), "engine_version": .string(a.engineVersion),
            "size": .int(a.totalSize), "pinned": .bool(a.pinned), "created_at": time(a.createdAt), "last_used_at": time(a.lastUsedAt),
        ]
        o["adapters"] = inputs(a)
        o["held_until"] = hold.map { time($0.until) } ?? .null
        o["held_by"] = hold.map { .string($0.holder) } ?? .null
        return o
    }

    /// `[{digest, weight}]`: the artifact's adapters in recipe order.
    package static func inputs(_ a: ArtifactRecord) -> JSONValue {
        .array(a.inputs.map { .object(["digest": .string($0.adapterDigest), "weight": .double($0.weight)]) })
    }

    /// A recipe as saved: base and adapters as asked (`NAME` or `NAME@V`), dtype (null: the base's), times,
    /// and `combine` last (`method`, then only the options it has).
    package static func recipe(_ r: RecipeRecord) -> JSONObject {
        var o: JSONObject = [
            "name": .string(r.name), "base": .string(RecipeDocument.base(r)),
            "dtype": r.dtype.map { .string($0) } ?? .null,
            "adapters": .array(r.adapters.map { a in
                .object(["name": .string(a.adapterVersion.map { "\(a.adapterName)@\($0)" } ?? a.adapterName), "weight": .double(a.weight)])
            }),
            "created_at": time(r.createdAt), "updated_at": time(r.updatedAt),
        ]
        var c: JSONObject = ["method": .string(r.combine.method)]
        if let d = r.combine.density { c["density"] = .double(d) }
        if let s = r.combine.majoritySign { c["majority_sign"] = .string(s) }
        if let s = r.combine.seed { c["seed"] = .int(Int(s)) }
        o["combine"] = .object(c)
        if let q = r.qlora { o["qlora"] = .object(["quant_type": .string(q.quantType), "double_quant": .bool(q.doubleQuant)]) }
        return o
    }

    /// A lease as `verify` reports it.
    package static func lease(_ lease: LeaseRecord) -> JSONValue {
        .object([
            "name": .string(lease.name), "holder_pid": .int(lease.holderPID), "holder_host": .string(lease.holderHost),
            "acquired_at": time(lease.acquiredAt), "expires_at": time(lease.expiresAt),
        ])
    }

    /// A hold as `hold` reports it: `{key, holder, until}`.
    package static func hold(_ hold: HoldRecord) -> JSONValue {
        .object(["key": .string(hold.key), "holder": .string(hold.holder), "until": time(hold.until)])
    }
}
