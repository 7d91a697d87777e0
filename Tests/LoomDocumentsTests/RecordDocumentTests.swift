import LoomCore
import LoomDocuments
import LoomJSON
import Testing

/// The record shapes every document is made of: field order, and each value taken from the right field.
@Suite struct RecordDocumentTests {
    @Test func baseFieldsInOrderWithAliasesLast() throws {
        let o = RecordDocument.base(try Records.base(hfRepo: "meta-llama/tiny"), aliases: ["tiny", "llama"])
        #expect(o.keys == [
            "name", "version", "ref", "digest", "architecture", "model_type", "dtype", "parameters", "size",
            "tie_word_embeddings", "source", "created_at", "hf_repo", "hf_revision", "aliases",
        ])
        #expect(o["ref"] == .string("llama-tiny@2"))
        #expect(o["digest"] == .string(Records.digest("b")))
        #expect(o["parameters"]?.intValue == 1_234)
        #expect(o["tie_word_embeddings"] == .bool(true))
        #expect(o["source"]?.isNull == true)
        #expect(o["created_at"] == .string(Records.created))
        #expect(o["hf_repo"] == .string("meta-llama/tiny"))
        #expect(o["hf_revision"]?.isNull == true)
        #expect(o["aliases"] == .array([.string("tiny"), .string("llama")]))
    }

    @Test func adapterCarriesItsConfigFields() throws {
        let o = RecordDocument.adapter(try Records.adapter())
        #expect(o.keys == [
            "name", "version", "ref", "digest", "base", "peft_type", "r", "lora_alpha", "use_rslora", "use_dora",
            "target_modules", "rank_pattern", "alpha_pattern", "size", "source", "created_at",
        ])
        #expect(o["ref"] == .string("sql@3"))
        #expect(o["base"] == .string("llama-tiny@2"))
        #expect(o["r"]?.intValue == 16)
        #expect(o["lora_alpha"]?.doubleValue == 32)
        #expect(o["use_rslora"] == .bool(false) && o["use_dora"] == .bool(true))
        #expect(o["target_modules"] == .array([.string("q_proj"), .string("v_proj")]))
    }

    @Test func artifactIsNamedByTheAdaptersAsAskedAndShowsNoHoldWithoutOne() throws {
        let o = RecordDocument.artifact(try Records.artifact(), path: nil)
        #expect(o.keys == [
            "key", "path", "name", "base", "dtype", "engine_version", "size", "pinned", "created_at", "last_used_at",
            "adapters", "held_until", "held_by",
        ])
        #expect(o["path"]?.isNull == true)
        #expect(o["name"] == .string("sql:1.0 + style:0.25"))
        #expect(o["last_used_at"] == .string(Records.used))
        let adapters = try #require(o["adapters"]?.arrayValue)
        #expect(adapters.map { $0["digest"]?.stringValue } == [Records.digest("a"), Records.digest("c")])
        #expect(adapters.map { $0["weight"]?.doubleValue } == [1, 0.25])
        #expect(o["held_until"]?.isNull == true && o["held_by"]?.isNull == true)
    }

    @Test func artifactOfARecipeIsNamedByItAndShowsItsHold() throws {
        let o = RecordDocument.artifact(try Records.artifact(recipe: "sql-prod", pinned: true), path: "/s/artifacts/k", hold: try Records.hold())
        #expect(o["name"] == .string("sql-prod"))
        #expect(o["path"] == .string("/s/artifacts/k"))
        #expect(o["pinned"] == .bool(true))
        #expect(o["held_until"] == .string(Records.used))
        #expect(o["held_by"] == .string("ci"))
    }

    @Test func recipeCombineHasOnlyTheOptionsItSets() throws {
        let linear = RecordDocument.recipe(try Records.recipe())
        #expect(linear.keys == ["name", "base", "dtype", "adapters", "created_at", "updated_at", "combine"])
        #expect(linear["base"] == .string("llama-tiny"))
        #expect(linear["combine"]?.keys == ["method"])
        let ties = RecordDocument.recipe(try Records.recipe(dtype: nil, baseVersion: 2, combine: "ties", density: 0.5))
        #expect(ties["base"] == .string("llama-tiny@2"))
        #expect(ties["dtype"]?.isNull == true)
        #expect(ties["combine"] == .object(["method": .string("ties"), "density": .double(0.5)]))
    }
}
