import Foundation
import GRDB
import LoomCore
import LoomJSON

@testable import SQLiteCatalog

/// Catalog records with values chosen by the tests, decoded from SQLite rows as the SQLite catalog
/// decodes them (so a column the documents read is a column the catalog really has).
enum Records {
    static let created = "2026-11-29T14:56:38.123Z"
    static let used = "2026-11-30T08:00:00.500Z"

    static func digest(_ letter: Character) -> String { "sha256:" + String(repeating: letter, count: 64) }

    static func base(name: String = "llama-tiny", version: Int = 2, hfRepo: String? = nil) throws -> BaseRecord {
        try BaseRecord(row: Row([
            "id": 1, "name": name, "version": version, "manifest_digest": digest("b"), "architecture": "LlamaForCausalLM",
            "model_type": "llama", "dtype": "bf16", "parameter_count": 1_234, "total_size": 5_678, "tie_word_embeddings": 1,
            "source": nil, "created_at": created, "hf_repo": hfRepo, "hf_revision": nil,
        ]))
    }

    static func adapter(name: String = "sql", summary: String = #"{"modules":[]}"#) throws -> AdapterRecord {
        try AdapterRecord(row: Row([
            "id": 7, "name": name, "version": 3, "base_id": 1, "base_name": "llama-tiny", "base_version": 2,
            "manifest_digest": digest("a"), "peft_type": "LORA", "r": 16, "lora_alpha": 32.0, "use_rslora": 0, "use_dora": 1,
            "target_modules": #"["q_proj","v_proj"]"#, "rank_pattern": "{}", "alpha_pattern": "{}",
            "config": #"{"peft_type":"LORA"}"#, "summary": summary, "total_size": 99, "source": "/in/sql", "created_at": created,
        ]))
    }

    /// An artifact built from two adapters (weights 1 and 0.25), asked for as the recipe `recipe` when given.
    static func artifact(recipe: String? = nil, pinned: Bool = false, files: [FileEntry]? = nil) throws -> ArtifactRecord {
        let asked = recipe.map { #"{"recipe":"\#($0)"}"# } ?? #"{"adapters":[{"asked":"sql:1.0"},{"asked":"style:0.25"}]}"#
        return try ArtifactRecord(
            row: Row([
                "id": 3, "key": digest("k"), "recipe": #"{"combine":{"method":"ties","density":0.5}}"#, "base_digest": digest("b"),
                "dtype": "f16", "engine_version": "loom-merge 4", "total_size": 4_096, "provenance": #"{"asked":\#(asked),"host":"h1"}"#,
                "pinned": pinned ? 1 : 0, "created_at": created, "last_used_at": used,
            ]),
            inputs: [
                ArtifactInput(position: 0, adapterDigest: digest("a"), weight: 1),
                ArtifactInput(position: 1, adapterDigest: digest("c"), weight: 0.25),
            ],
            files: files)
    }

    static func recipe(
        dtype: String? = "bf16", baseVersion: Int? = nil, combine: String = "linear", density: Double? = nil,
        adapters: [RecipeInput] = [RecipeInput(adapterName: "sql", adapterVersion: nil, weight: 1)]
    ) throws -> RecipeRecord {
        try RecipeRecord(
            row: Row([
                "id": 5, "name": "sql-prod", "base_name": "llama-tiny", "base_version": baseVersion, "dtype": dtype,
                "combine": combine, "density": density, "majority_sign": nil, "seed": nil, "qlora": nil, "qlora_double_quant": nil, "created_at": created, "updated_at": used,
            ]),
            adapters: adapters)
    }

    static func hold(holder: String = "ci") throws -> HoldRecord {
        try HoldRecord(row: Row(["key": digest("k"), "holder": holder, "until": used, "created_at": created]))
    }
}

extension JSONValue {
    /// The member names of an object, in order (empty for anything else).
    var keys: [String] { objectValue?.keys ?? [] }
}
