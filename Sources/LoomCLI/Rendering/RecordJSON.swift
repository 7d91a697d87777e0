import LoomCore
import Foundation
import LoomJSON
import Registry

/// The JSON shapes of `--json` output (DESIGN.md "JSON"): full digests, ISO-8601 times, stable field order.
enum RecordJSON {
    static func time(_ date: Date) -> JSONValue { .string(Timestamps.iso(date)) }

    static func files(_ files: [FileEntry]) -> JSONValue {
        .array(files.map { .object(["path": .string($0.path), "digest": .string($0.digest), "size": .int($0.size)]) })
    }

    /// A base's fields; `hf_repo`, `hf_revision` (null when unknown) and `aliases` (of its name) last.
    static func base(_ b: BaseRecord, aliases: [String] = []) -> JSONObject {
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

    static func adapter(_ a: AdapterRecord) -> JSONObject {
        [
            "name": .string(a.name), "version": .int(a.version), "ref": .string(a.reference), "digest": .string(a.manifestDigest),
            "base": .string(a.baseReference), "peft_type": .string(a.peftType), "r": a.r.map { .int($0) } ?? .null,
            "lora_alpha": a.loraAlpha.map { .double($0) } ?? .null, "use_rslora": .bool(a.useRslora), "use_dora": .bool(a.useDora),
            "target_modules": a.targetModules, "rank_pattern": a.rankPattern, "alpha_pattern": a.alphaPattern,
            "size": .int(a.totalSize), "source": a.source.map { .string($0) } ?? .null, "created_at": time(a.createdAt),
        ]
    }

    /// `hold`: the live hold that lasts longest (``Registry/liveHolds()``), shown as `held_until` and `held_by`.
    static func artifact(_ a: ArtifactRecord, path: String?, hold: HoldRecord? = nil) -> JSONObject {
        var o: JSONObject = [
            "key": .string(a.key), "path": path.map { .string($0) } ?? .null, "name": .string(Names.artifactLabel(a)),
            "base": .string(a.baseDigest), "dtype": .string(a.dtype), "engine_version": .string(a.engineVersion),
            "size": .int(a.totalSize), "pinned": .bool(a.pinned), "created_at": time(a.createdAt), "last_used_at": time(a.lastUsedAt),
        ]
        o["adapters"] = .array(a.inputs.map { .object(["digest": .string($0.adapterDigest), "weight": .double($0.weight)]) })
        o["held_until"] = hold.map { time($0.until) } ?? .null
        o["held_by"] = hold.map { .string($0.holder) } ?? .null
        return o
    }
}

extension Names {
    /// How an artifact is named for people: the recipe name, else the adapters as asked (`a:0.7 + b:0.3`).
    static func artifactLabel(_ a: ArtifactRecord) -> String {
        let asked = a.provenance["asked"]
        if let recipe = asked?["recipe"]?.stringValue { return recipe }
        let adapters = asked?["adapters"]?.arrayValue?.compactMap { $0["asked"]?.stringValue } ?? []
        return adapters.isEmpty ? "-" : adapters.joined(separator: " + ")
    }
}

extension RecordJSON {
    static func recipe(_ r: RecipeRecord) -> JSONObject {
        var o: JSONObject = [
            "name": .string(r.name), "base": .string(r.baseVersion.map { "\(r.baseName)@\($0)" } ?? r.baseName),
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

    /// ` ties density 0.5 total` for a non-linear recipe, empty for linear.
    static func combineSummary(_ c: RecipeCombine) -> String {
        guard c.method != "linear" else { return "" }
        return " " + ([c.method] + [c.density.map { "density \($0)" }, c.majoritySign, c.seed.map { "seed \($0)" }].compactMap { $0 })
            .joined(separator: " ")
    }

    /// What differs between two versions of a recipe, one phrase per field (`dtype bf16 → f16`); empty when equal.
    static func recipeChanges(from old: RecipeRecord, to new: RecipeRecord) -> [String] {
        func base(_ r: RecipeRecord) -> String { r.baseVersion.map { "\(r.baseName)@\($0)" } ?? r.baseName }
        func adapters(_ r: RecipeRecord) -> String {
            r.adapters.map { a in (a.adapterVersion.map { "\(a.adapterName)@\($0)" } ?? a.adapterName) + ":\(a.weight)" }
                .joined(separator: " + ")
        }
        var changes: [String] = []
        if base(old) != base(new) { changes.append("base \(base(old)) → \(base(new))") }
        if adapters(old) != adapters(new) { changes.append("adapters \(adapters(old)) → \(adapters(new))") }
        if old.dtype != new.dtype { changes.append("dtype \(old.dtype ?? "the base's") → \(new.dtype ?? "the base's")") }
        if old.combine != new.combine {
            func method(_ c: RecipeCombine) -> String { c.method == "linear" ? "linear" : String(combineSummary(c).dropFirst()) }
            changes.append("combine \(method(old.combine)) → \(method(new.combine))")
        }
        return changes
    }

    /// `llama-tiny + sql:1.0 + style:0.25 (bf16)`.
    static func recipeSummary(_ r: RecipeRecord) -> String {
        let base = r.baseVersion.map { "\(r.baseName)@\($0)" } ?? r.baseName
        let adapters = r.adapters.map { a in (a.adapterVersion.map { "\(a.adapterName)@\($0)" } ?? a.adapterName) + ":\(a.weight)" }
        return ([base] + adapters).joined(separator: " + ") + (r.dtype.map { " (\($0))" } ?? "") + combineSummary(r.combine)
    }
}
