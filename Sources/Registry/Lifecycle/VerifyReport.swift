package import LoomCore
package import Foundation

/// What ``Registry/verify(progress:)`` found: findings by kind, and garbage that gc can collect.
///
/// Findings are damage (a blob whose bytes changed, a catalog row whose blob is gone, a failed SQLite
/// check, a broken event chain); garbage is not damage and never makes the store unclean. A value
/// snapshot of one run; it does not change when the store does.
///
/// ## Topics
/// - ``Kind``, ``Finding``, ``Garbage``
/// - ``isClean``, ``kinds``, ``findingBits``
package struct VerifyReport: Sendable, Equatable {
    /// A kind of finding. Its raw value is its bit in `loom verify`'s exit code (16 + the bits found).
    package enum Kind: Int32, Sendable, CaseIterable, Comparable {
        /// A file under `blobs/` whose bytes do not hash to its name, that cannot be read, or whose
        /// name or type is not a blob's.
        case blob = 1
        /// A base, adapter or artifact file row whose blob is absent (a missing blob is reported
        /// here, once per row that needs it) or has another size than the row records.
        case reference = 2
        /// `PRAGMA integrity_check` or `PRAGMA foreign_key_check` reported a problem, the catalog could
        /// not be read, or it is missing or records nothing beside older blobs (`lostCatalogProblem`).
        case integrity = 4
        /// The event log's hash chain is broken: an event was edited, deleted or reordered.
        case chain = 8

        /// `blob`, `reference`, `integrity`, `chain`: the name used in output.
        package var name: String {
            switch self {
            case .blob: "blob"
            case .reference: "reference"
            case .integrity: "integrity"
            case .chain: "chain"
            }
        }

        package static func < (lhs: Kind, rhs: Kind) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// One problem, with the identifiers that name its culprit.
    package struct Finding: Sendable, Equatable {
        /// What sort of problem.
        package var kind: Kind
        /// One line naming the culprit (full digest, owner and path, or event seq).
        package var message: String
        /// The blob's full `sha256:` digest (blob and reference findings).
        package var digest: String?
        /// Who holds the reference: `base NAME@V`, `adapter NAME@V` or `artifact sha256:…` (reference findings).
        package var owner: String?
        /// The file's path inside its owner (reference findings), or the entry's absolute path (a
        /// malformed entry under `blobs/`).
        package var path: String?
        /// The event's seq (chain findings).
        package var seq: Int64?

        /// A finding; see each property.
        package init(
            kind: Kind, message: String, digest: String? = nil, owner: String? = nil, path: String? = nil, seq: Int64? = nil
        ) {
            self.kind = kind
            self.message = message
            self.digest = digest
            self.owner = owner
            self.path = path
            self.seq = seq
        }
    }

    /// What `loom gc` with its default options would collect, by ``GarbageCollector``'s rules. Not a
    /// finding: a store with garbage only is clean. Younger leftovers (within gc's grace period, or any
    /// while a lease is live) are not listed, as gc would not touch them yet.
    package struct Garbage: Sendable, Equatable {
        /// Blobs no base, adapter or artifact file references, older than the grace period, in digest order.
        package var unreferencedBlobs: [Blob] = []
        /// Files (or leftover rebuild directories) in `ingest/` older than the grace period whose writer
        /// (the pid in the name) is not running.
        package var staleIngestFiles: [StaleFile] = []
        /// Leases that have expired or whose holder's pid no longer runs on this host.
        package var deadLeases: [LeaseRecord] = []

        /// Bytes that collecting the blobs and ingest files would free.
        package var bytes: Int64 {
            unreferencedBlobs.reduce(0) { $0 + $1.size } + staleIngestFiles.reduce(0) { $0 + $1.size }
        }

        /// True when there is nothing to collect.
        package var isEmpty: Bool { unreferencedBlobs.isEmpty && staleIngestFiles.isEmpty && deadLeases.isEmpty }
    }

    /// A blob named by its full digest, and its size.
    package struct Blob: Sendable, Equatable {
        /// `sha256:<64 hex>`.
        package var digest: String
        /// Bytes.
        package var size: Int64

        /// A blob; see each property.
        package init(digest: String, size: Int64) {
            self.digest = digest
            self.size = size
        }
    }

    /// An entry of `ingest/` left behind by a writer that is gone.
    package struct StaleFile: Sendable, Equatable {
        /// The absolute path.
        package var path: String
        /// Bytes it occupies (for a directory, the regular files below it).
        package var size: Int64
        /// Its modification time.
        package var modified: Date

        /// A stale entry; see each property.
        package init(path: String, size: Int64, modified: Date) {
            self.path = path
            self.size = size
            self.modified = modified
        }
    }

    /// Every finding, blob findings first (in digest order), then references, integrity, chain.
    package var findings: [Finding] = []
    /// What gc may collect.
    package var garbage = Garbage()
    /// Leases still live (work in progress); blobs they are writing look unreferenced until committed.
    package var liveLeases: [LeaseRecord] = []
    /// Entries of `ingest/` whose names loom never gives (absolute paths): not garbage, as gc never
    /// deletes them, and not a finding.
    package var foreignIngestFiles: [String] = []
    /// Blob files rehashed.
    package var blobsChecked = 0
    /// Bytes rehashed.
    package var bytesChecked: Int64 = 0
    /// Catalog file rows checked against the blobs.
    package var referencesChecked = 0

    /// True when there is no finding (garbage allowed).
    package var isClean: Bool { findings.isEmpty }

    /// The kinds of finding present.
    package var kinds: Set<Kind> { Set(findings.map(\.kind)) }

    /// The sum of the bits of the kinds present; 0 when clean. `loom verify` exits with 16 plus this.
    package var findingBits: Int32 { kinds.reduce(0) { $0 | $1.rawValue } }

    package init() {}
}
