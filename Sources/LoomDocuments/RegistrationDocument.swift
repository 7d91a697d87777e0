package import LoomCore
package import LoomJSON

/// `loom base add --json` and `loom adapter add --json` (and `POST /v1/bases`, `POST /v1/adapters`): the
/// record registered (or found unchanged), then `created`.
package enum RegistrationDocument {
    package static func base(_ b: BaseRecord, aliases: [String], created: Bool) -> JSONValue {
        var o = RecordDocument.base(b, aliases: aliases)
        o["created"] = .bool(created)
        return .object(o)
    }

    package static func adapter(_ a: AdapterRecord, created: Bool) -> JSONValue {
        var o = RecordDocument.adapter(a)
        o["created"] = .bool(created)
        return .object(o)
    }
}
