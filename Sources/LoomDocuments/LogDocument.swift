import LoomCore
package import LoomJSON
package import Registry

/// `loom log --json` (and `GET /v1/log`): `{events: [...], total, chain: {verified, findings}}`, each event
/// with its full detail and both hashes.
package enum LogDocument {
    package static func log(_ log: EventLog) -> JSONValue {
        .object([
            "events": .array(log.events.map { e in
                .object([
                    "seq": .int(e.seq), "at": RecordDocument.time(e.at), "actor": .string(e.actor), "kind": .string(e.kind),
                    "subject": .string(e.subject), "detail": e.detail, "prev_hash": .string(e.prevHash), "hash": .string(e.hash),
                ])
            }),
            "total": .int(log.total),
            "chain": .object([
                "verified": .bool(log.isVerified),
                "findings": .array(log.chainFindings.map { .object(["seq": .int($0.seq), "message": .string($0.description)]) }),
            ]),
        ])
    }
}
