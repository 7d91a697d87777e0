import BlobStore
import LoomCore
import LoomJSON
import Merge
import Safetensors

/// A registered base as a build needs it: the planner's view, its config, and its catalog rows.
struct LoadedBase {
    let model: BaseModel
    let config: JSONObject
    /// The file manifest, checked against the base's manifest digest.
    let files: [FileEntry]
    let tensors: [TensorEntry]
}

/// Builds the merge planner's view of a registered base from the catalog (tensor index) and its
/// stored config.json. Reads the catalog once (one snapshot) and one small blob; no weights.
struct BaseModelLoader {
    let registry: Registry

    /// The base's tensors, files and config.
    ///
    /// - Throws: ``RegistryError`` `.notFound` when the rows no longer make up the manifest the base was
    ///   registered with (removed meanwhile).
    func load(_ base: BaseRecord, catalog: any CatalogStore) throws(RegistryError) -> LoadedBase {
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
        return LoadedBase(model: BaseModel(tensors: descriptors, config: config), config: config, files: files, tensors: tensors)
    }
}
