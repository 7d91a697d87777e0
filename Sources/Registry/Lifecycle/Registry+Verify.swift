import BlobStore
import LoomCore
import Foundation

extension Registry {
    /// Checks the whole store and reports what is wrong, changing nothing (never "fixes" silently).
    ///
    /// Rehashes every file under `blobs/`, referenced or not; checks that every base, adapter and
    /// artifact file row resolves to a blob of the recorded size; runs SQLite's integrity and
    /// foreign-key checks; walks the event log's hash chain. Also lists garbage, which is not a finding:
    /// exactly what `loom gc` with its default options would collect now (``GarbageCollector``'s rules,
    /// default grace: unreferenced blobs older than the grace period, ingest files whose writer is gone
    /// (at once), none while a lease is live; dead leases). A store that does not exist is clean and is not created. Blobs beside a
    /// missing or blank catalog (``lostCatalogProblem(_:)``) are an `integrity` finding, and none is listed
    /// as garbage.
    ///
    /// Safe while other processes build or collect: a reference that looks broken is re-checked on a
    /// fresh catalog snapshot before it is reported, and a blob deleted during the walk is skipped.
    /// Reads every blob once; `progress` sees one task whose total is the bytes under `blobs/`.
    ///
    /// - Throws: ``RegistryError`` `.io` when the store cannot be listed or the catalog is busy or
    ///   unreadable for reasons other than corruption (corruption is a finding, not an error).
    package func verify(progress: any ProgressSink = SilentProgress()) throws(RegistryError) -> VerifyReport {
        var report = VerifyReport()
        let catalog = try existingCatalog()
        var references: [BlobReference] = []
        var referencesKnown = true
        if let catalog {
            do {
                references = try Self.blobReferences(catalog)
            } catch let error as CatalogError where error.kind == .corrupt {
                referencesKnown = false
                report.findings.append(.init(kind: .integrity, message: "catalog: cannot read its file rows: \(error.message)"))
            } catch {
                throw RegistryError(error)
            }
        }
        let stored = try rehashBlobs(into: &report, progress: progress)
        try checkReferences(references, stored: stored, catalog: catalog, into: &report)
        if let catalog {
            try checkCatalog(catalog, into: &report)
        }
        let lost = try lostCatalogProblem(catalog)
        if let lost { report.findings.append(.init(kind: .integrity, message: lost)) }
        // Without the file rows nothing is known to be unreferenced: calling every blob garbage would invite a gc.
        if referencesKnown, lost == nil, let catalog {
            try collectable(catalog, into: &report)
        }
        return report
    }

    /// One catalog file row: who holds it, under which path, and the blob it names.
    struct BlobReference {
        var owner: String
        var path: String
        var digest: String
        var size: Int64
    }

    /// Every base, adapter and artifact file row, from one catalog snapshot. Owners are spelled as
    /// ``owner(_:)`` spells holders, so that a re-check can match rows.
    static func blobReferences(_ catalog: any CatalogStore) throws -> [BlobReference] {
        try catalog.snapshot { snapshot in
            var references: [BlobReference] = []
            func add(_ owner: String, _ files: [FileEntry]) {
                references += files.map { BlobReference(owner: owner, path: $0.path, digest: $0.digest, size: $0.size) }
            }
            for base in try snapshot.bases() { add("base \(base.reference)", try snapshot.baseFiles(baseID: base.id)) }
            for adapter in try snapshot.adapters() {
                add("adapter \(adapter.reference)", try snapshot.adapterFiles(adapterID: adapter.id))
            }
            for artifact in try snapshot.artifacts(includingFiles: true) {
                add("artifact \(artifact.key)", artifact.files ?? [])
            }
            return references
        }
    }

    /// `base NAME@V`, `adapter NAME@V` or `artifact sha256:…`: how findings name a holder.
    static func owner(_ holder: BlobHolder) -> String {
        "\(holder.kind.rawValue) " + (holder.version.map { "\(holder.name)@\($0)" } ?? holder.name)
    }

    /// Rehashes every well-formed blob file and reports malformed entries; returns the blobs found
    /// (those deleted during the walk left out), by digest.
    private func rehashBlobs(into report: inout VerifyReport, progress: any ProgressSink) throws(RegistryError) -> [Digest: BlobInfo] {
        let listed: [StoredBlob]
        do {
            for stray in try blobs.strayFiles() {
                report.findings.append(
                    .init(kind: .blob, message: "blobs/: \(stray.path) is not a blob (wrong name, place or file type)", path: stray.path))
            }
            listed = try blobs.allBlobs()
        } catch {
            throw .io("cannot list the blobs of \(root): \(error)")
        }
        var stored: [Digest: BlobInfo] = [:]
        let total = listed.reduce(Int64(0)) { $0 + $1.size }
        progress.begin("verifying \(listed.count) blobs", total: total)
        defer { progress.end() }
        var done: Int64 = 0
        for blob in listed {
            defer {
                done += blob.size
                progress.advance(to: done)
            }
            let digest = blob.digest.description
            do {
                switch try blobs.verify(blob.digest, size: nil) {
                case .missing:
                    continue
                case .ok, .wrongSize:
                    break
                case .corrupt(let actual):
                    report.findings.append(.init(kind: .blob, message: "blob \(digest): corrupt, its bytes hash to \(actual)", digest: digest))
                }
            } catch {
                report.findings.append(.init(kind: .blob, message: "blob \(digest): cannot be read: \(error)", digest: digest))
            }
            stored[blob.digest] = BlobInfo(digest: blob.digest, size: blob.size)
            report.blobsChecked += 1
            report.bytesChecked += blob.size
        }
        return stored
    }

    /// Reports every file row whose blob is absent or has another size than recorded, after
    /// re-checking on a fresh snapshot that the row still exists (gc may have removed it meanwhile).
    private func checkReferences(
        _ references: [BlobReference], stored: [Digest: BlobInfo], catalog: (any CatalogStore)?, into report: inout VerifyReport
    ) throws(RegistryError) {
        report.referencesChecked = references.count
        var suspects: [BlobReference] = []
        for reference in references {
            guard let digest = Digest(parsing: reference.digest) else {
                report.findings.append(
                    .init(
                        kind: .reference, message: "\(reference.owner) \(reference.path): malformed digest \(reference.digest)",
                        digest: reference.digest, owner: reference.owner, path: reference.path))
                continue
            }
            if let blob = stored[digest], blob.size == reference.size { continue }
            if stored[digest] == nil, let size = try? blobs.size(of: digest), size == reference.size { continue }
            suspects.append(reference)
        }
        guard let catalog, !suspects.isEmpty else { return }
        var stillHeld: [String: Set<String>] = [:]
        for digest in Set(suspects.map(\.digest)) {
            do {
                stillHeld[digest] = Set(try catalog.holders(ofDigest: digest).map { Self.owner($0) + "\u{0}" + $0.path })
            } catch {
                throw RegistryError(error)
            }
        }
        for reference in suspects where stillHeld[reference.digest]?.contains(reference.owner + "\u{0}" + reference.path) == true {
            let place = "\(reference.owner) \(reference.path)"
            let message: String
            if let digest = Digest(parsing: reference.digest), let size = stored[digest]?.size ?? (try? blobs.size(of: digest)) {
                message = "\(place): blob \(reference.digest) has \(size) bytes, the catalog records \(reference.size)"
            } else {
                message = "\(place): blob \(reference.digest) is missing"
            }
            report.findings.append(
                .init(kind: .reference, message: message, digest: reference.digest, owner: reference.owner, path: reference.path))
        }
    }

    /// SQLite's own checks and the event chain.
    private func checkCatalog(_ catalog: any CatalogStore, into report: inout VerifyReport) throws(RegistryError) {
        do {
            for line in try catalog.integrityCheck() {
                report.findings.append(.init(kind: .integrity, message: "catalog: \(line)"))
            }
        } catch let error as CatalogError where error.kind == .corrupt {
            report.findings.append(.init(kind: .integrity, message: "catalog: \(error.message)"))
        } catch {
            throw RegistryError(error)
        }
        do {
            for finding in try catalog.verifyChain() {
                report.findings.append(.init(kind: .chain, message: finding.description, seq: finding.seq))
            }
        } catch let error as CatalogError where error.kind == .corrupt {
            report.findings.append(.init(kind: .chain, message: "event log cannot be read: \(error.message)"))
        } catch {
            throw RegistryError(error)
        }
    }

    /// What `loom gc` with its default options would collect (its planner, its rules: one source of truth),
    /// and the leases still live.
    private func collectable(_ catalog: any CatalogStore, into report: inout VerifyReport) throws(RegistryError) {
        let plan = try planGarbage(GCOptions(dryRun: true), catalog: catalog)
        report.garbage.unreferencedBlobs = plan.blobs.map { VerifyReport.Blob(digest: $0.digest, size: $0.size) }
        report.garbage.staleIngestFiles = plan.ingest.map { VerifyReport.StaleFile(path: $0.path, size: $0.size, modified: $0.modifiedAt) }
        report.foreignIngestFiles = plan.skipped.filter { $0.reason == GCPlan.Reason.foreignIngest }.map(\.subject)
        let dead = Set(plan.leases.map { $0.name + "\u{0}" + $0.holder })
        let leases: [LeaseRecord]
        do {
            leases = try catalog.leases()
        } catch {
            throw RegistryError(error)
        }
        // A lease taken (over) since the plan's snapshot is live; one released since is simply not listed.
        for lease in leases {
            if dead.contains(lease.name + "\u{0}" + Self.holder(of: lease)) {
                report.garbage.deadLeases.append(lease)
            } else {
                report.liveLeases.append(lease)
            }
        }
    }

    /// Bytes of a file, or of every regular file below a directory (a leftover rebuild scratch area).
    static func diskUsage(_ path: String) -> Int64 {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else { return 0 }
        guard isDirectory.boolValue else {
            return (try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        }
        var total: Int64 = 0
        for item in (try? fm.subpathsOfDirectory(atPath: path)) ?? [] {
            let attributes = try? fm.attributesOfItem(atPath: path + "/" + item)
            if attributes?[.type] as? FileAttributeType == .typeRegular {
                total += (attributes?[.size] as? NSNumber)?.int64Value ?? 0
            }
        }
        return total
    }
}
