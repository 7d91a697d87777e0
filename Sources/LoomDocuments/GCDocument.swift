import LoomCore
package import LoomJSON
package import Registry

/// `loom gc --json` (and the admin `gc` endpoint): one object with every item planned (a dry run) or
/// done, full digests and keys, ISO-8601 times, each item with its reason.
package enum GCDocument {
    package static func plan(_ plan: GCPlan) -> JSONValue {
        let time = RecordDocument.time
        return .object([
            "dry_run": .bool(plan.dryRun),
            "artifacts": .array(plan.artifacts.map { a in
                .object(["key": .string(a.key), "size": .int(a.size), "last_used_at": time(a.lastUsedAt), "reason": .string(a.reason)])
            }),
            "blobs": .array(plan.blobs.map { b in
                .object(["digest": .string(b.digest), "size": .int(b.size), "reason": .string(b.reason)])
            }),
            "ingest": .array(plan.ingest.map { f in
                .object(["path": .string(f.path), "size": .int(f.size), "modified_at": time(f.modifiedAt), "reason": .string(f.reason)])
            }),
            "directories": .array(plan.directories.map { d in
                .object(["path": .string(d.path), "kind": .string(d.kind.rawValue), "reason": .string(d.reason)])
            }),
            "leases": .array(plan.leases.map { l in
                .object(["name": .string(l.name), "holder": .string(l.holder), "expires_at": time(l.expiresAt), "reason": .string(l.reason)])
            }),
            "bytes_freed": .int(plan.bytesFreed),
            "skipped": .array(plan.skipped.map { .object(["subject": .string($0.subject), "reason": .string($0.reason)]) }),
        ])
    }
}
