import BlobStore
import LoomCore
import Merge
import Safetensors

extension RegistryError {
    /// Maps an error from a lower module to the registry's kinds, keeping its message.
    init(_ error: any Error) {
        switch error {
        case let e as RegistryError:
            self = e
        case let e as CatalogError:
            switch e.kind {
            case .notFound: self.init(.notFound, e.message)
            case .conflict: self.init(.conflict, e.message)
            case .invalid, .schemaTooNew: self.init(.invalid, e.message)
            default: self.init(.io, e.message)
            }
        case let e as MergeError:
            self.init(.invalid, e.message)
        case let e as SafetensorsError:
            self.init(.invalid, e.description)
        case let e as BlobStoreError where e.kind == .interrupted:
            self.init(.interrupted, e.message)
        case let e as BlobStoreError:
            self.init(e.kind == .digestMismatch || e.kind == .sizeMismatch ? .invalid : .io, e.message)
        default:
            self.init(.io, "\(error)")
        }
    }
}
