package import LoomCore
package import LoomJSON

/// `loom hold --json` and `loom hold --release --json`.
package enum HoldDocument {
    /// The hold taken or extended: `{key, holder, until}`.
    package static func held(_ hold: HoldRecord) -> JSONValue { RecordDocument.hold(hold) }

    /// `{key, released: [{key, holder, until}]}` (empty when nothing was held).
    package static func released(key: String, _ holds: [HoldRecord]) -> JSONValue {
        .object(["key": .string(key), "released": .array(holds.map(RecordDocument.hold))])
    }
}
