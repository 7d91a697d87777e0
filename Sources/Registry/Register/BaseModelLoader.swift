import BlobStore
import Catalog
import LoomJSON
import Merge
import Safetensors

/// Builds the merge planner's view of a registered base from the catalog (tensor index) and its
/// stored config.json. Reads the catalog and one small blob; no weights.
struct BaseModelLoader {
    let registry: Registry

    /// The base's tensors and config as the planner needs them, and the parsed config.json.
    func load(_ base: BaseRecord, catalog: Catalog) throws(RegistryError) -> (model: BaseModel, config: JSONObject) {
        let tensors: [TensorEntry]
        let files: [FileEntry]
        do {
            (tensors, files) = try catalog.snapshot { (try $0.baseTensors(baseID: base.id), try $0.baseFiles(baseID: base.id)) }
            _ = try Registry.checkedFiles(files, manifestDigest: base.manifestDigest, of: "base \(base.reference)")
        } catch {
            throw RegistryError(error)
        }
        guard let configFile = files.first(where: { $0.path == "config.json" }), let digest = Digest(parsing: configFile.digest) else {
            throw .internal("base \(base.name)@\(base.version) has no config.json in its manifest")
        }
        let bytes = try registry.readSmallFile(registry.blobs.path(of: digest), shown: "config.json of \(base.name)@\(base.version)")
        let config = try registry.parseConfig(bytes, shown: "config.json of \(base.name)@\(base.version)")
        let descriptors = tensors.map { TensorDescriptor(name: $0.name, dtype: $0.dtype, shape: $0.shape) }
        return (BaseModel(tensors: descriptors, config: config), config)
    }
}

extension BaseModelLoader {
    /// The input embedding tensor of a base, as the planner identifies it.
    static func embeddingName(baseTensors: [TensorEntry], config: JSONObject) -> String? {
        BaseModel(tensors: baseTensors.map { TensorDescriptor(name: $0.name, dtype: $0.dtype, shape: $0.shape) }, config: config).inputEmbedding
    }
}
