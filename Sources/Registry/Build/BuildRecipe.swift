import BlobStore
import LoomCore
import LoomJSON
import Merge

/// A build with every input resolved to its digest: what the cache key hashes.
///
/// The canonical recipe is compact canonical JSON:
/// `{"schema":"loom.recipe/1","engine":…,"base":"sha256:…","dtype":"bf16","adapters":[{"digest":"sha256:…","weight":1.0},…]}`
/// with adapters sorted by (digest, weight), plus `"combine":{"method":…,"density":…,"majority_sign":…,"seed":…}`
/// for a non-linear combination only, and `"qlora":{"quant_type":"nf4","blocksize":64,"double_quant":true}` for a
/// QLoRA-faithful build only, so other builds keep the keys they always had. Sorting is sound because the merge applies low-rank terms
/// in that same canonical order (``MergePlan``), so the output bytes do not depend on the order asked.
/// The key is `sha256` of those bytes.
struct BuildRecipe {
    static let schema = "loom.recipe/1"

    struct Input {
        var adapter: AdapterRecord
        var weight: Double
        /// The reference as the user wrote it (`sql@2:0.5`).
        var asked: String
    }

    let base: BaseRecord
    /// In the order asked.
    let inputs: [Input]
    let dtype: ModelDType
    /// The recipe name when built from a named recipe.
    let recipeName: String?
    /// The base as the user wrote it (`llama@2`); nil when it was implied by the adapters or the recipe.
    let baseAsked: String?
    /// The `--dtype` the user gave; nil when the base's (or the recipe's) dtype was taken.
    let dtypeAsked: ModelDType?
    /// How the adapters combine (`--combine` and its options).
    let combine: CombineOptions
    /// A QLoRA-faithful build (`--qlora`), or nil.
    let qlora: QLoRAOptions?

    init(
        base: BaseRecord, inputs: [Input], dtype: ModelDType, recipeName: String? = nil, baseAsked: String? = nil,
        dtypeAsked: ModelDType? = nil, combine: CombineOptions = .linear, qlora: QLoRAOptions? = nil
    ) {
        self.combine = combine
        self.qlora = qlora
        self.base = base
        self.inputs = inputs.map { var i = $0; i.weight = i.weight == 0 ? 0 : i.weight; return i }  // no -0 in keys
        self.dtype = dtype
        self.recipeName = recipeName
        self.baseAsked = baseAsked
        self.dtypeAsked = dtypeAsked
    }

    /// Inputs in canonical order.
    var canonicalInputs: [Input] {
        inputs.sorted { ($0.adapter.manifestDigest, $0.weight) < ($1.adapter.manifestDigest, $1.weight) }
    }

    var canonical: JSONValue {
        var o: JSONObject = [
            "schema": .string(Self.schema),
            "engine": .string(MergePlan.engineVersion),
            "base": .string(base.manifestDigest),
            "dtype": .string(dtype.rawValue),
            "adapters": .array(canonicalInputs.map { .object(["digest": .string($0.adapter.manifestDigest), "weight": .double($0.weight)]) }),
        ]
        if !combine.isLinear { o["combine"] = combine.json }
        if let qlora { o["qlora"] = qlora.json }
        return .object(o)
    }

    var key: Digest { Digest(hashing: JSONWriter.canonical.bytes(canonical)) }

    /// What the user asked for, with what each name resolved to (provenance).
    var asked: JSONValue {
        var o = JSONObject()
        if let recipeName { o["recipe"] = .string(recipeName) }
        o["base"] = .object([
            "asked": baseAsked.map { .string($0) } ?? .null,
            "name": .string(base.name), "version": .int(base.version), "digest": .string(base.manifestDigest),
        ])
        o["adapters"] = .array(inputs.map { i in
            .object([
                "asked": .string(i.asked), "name": .string(i.adapter.name), "version": .int(i.adapter.version),
                "digest": .string(i.adapter.manifestDigest), "weight": .double(i.weight),
            ])
        })
        o["dtype"] = .string(dtype.rawValue)
        o["dtype_asked"] = dtypeAsked.map { .string($0.rawValue) } ?? .null
        if !combine.isLinear { o["combine"] = combine.json }
        if let qlora { o["qlora"] = qlora.json }
        return .object(o)
    }
}
