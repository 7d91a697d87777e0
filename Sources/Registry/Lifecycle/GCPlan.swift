package import Foundation

/// What garbage collection would do (a dry run) or did (a real run): every item with why it goes.
///
/// A real run returns the items it actually removed, in the plan's shape and order, so a dry run and
/// a real run at the same moment compare equal item by item. Items name artifacts by full key and blobs
/// by full digest. A plain value; `Sendable`.
///
/// ## Topics
/// - Items: ``artifacts``, ``blobs``, ``ingest``, ``directories``, ``leases``
/// - What was not done: ``skipped``
/// - Totals: ``bytesFreed``, ``isEmpty``
package struct GCPlan: Sendable, Equatable {
    /// An artifact evicted from the cache (its row; its directory and freed blobs are items of their own).
    package struct Artifact: Sendable, Equatable {
        /// `sha256:…`.
        package var key: String
        /// `total_size` in bytes.
        package var size: Int64
        /// Last use as the plan's snapshot saw it.
        package var lastUsedAt: Date
        /// Why it goes (``Reason/overBudget``).
        package var reason: String

        /// An item; see each property.
        package init(key: String, size: Int64, lastUsedAt: Date, reason: String) {
            self.key = key
            self.size = size
            self.lastUsedAt = lastUsedAt
            self.reason = reason
        }
    }

    /// A blob file deleted from `blobs/`.
    package struct Blob: Sendable, Equatable {
        /// `sha256:…`.
        package var digest: String
        /// Bytes.
        package var size: Int64
        /// ``Reason/unreferenced`` or ``Reason/freed(by:)``.
        package var reason: String

        /// An item; see each property.
        package init(digest: String, size: Int64, reason: String) {
            self.digest = digest
            self.size = size
            self.reason = reason
        }
    }

    /// A leftover entry of `ingest/`: a crashed writer's temporary file, or a rebuild's scratch directory.
    package struct IngestFile: Sendable, Equatable {
        /// Absolute path.
        package var path: String
        /// Bytes (of every file inside, for a directory).
        package var size: Int64
        /// The entry's modification time.
        package var modifiedAt: Date
        /// Why it goes (``Reason/staleIngest``).
        package var reason: String

        /// An item; see each property.
        package init(path: String, size: Int64, modifiedAt: Date, reason: String) {
            self.path = path
            self.size = size
            self.modifiedAt = modifiedAt
            self.reason = reason
        }
    }

    /// An entry of `artifacts/` removed with everything in it (symlinks only; blobs are items of their own).
    package struct Directory: Sendable, Equatable {
        /// Why it is there to remove.
        package enum Kind: String, Sendable, Equatable {
            /// `artifacts/<hex>` of an artifact evicted in this run.
            case evicted
            /// `artifacts/<hex>` with no catalog row.
            case orphan
            /// `artifacts/.tmp-*` or `.trash-*` left by an interrupted materialization.
            case leftover
        }

        /// Absolute path.
        package var path: String
        /// Which kind of entry it is.
        package var kind: Kind
        /// Why it goes, in words.
        package var reason: String

        /// An item; see each property.
        package init(path: String, kind: Kind, reason: String) {
            self.path = path
            self.kind = kind
            self.reason = reason
        }
    }

    /// A dead lease row deleted from the catalog.
    package struct Lease: Sendable, Equatable {
        /// The lease's name, e.g. `build:sha256:…`.
        package var name: String
        /// `pid N on HOST`.
        package var holder: String
        /// When it ran (or runs) out.
        package var expiresAt: Date
        /// `expired` or `holder gone`.
        package var reason: String

        /// An item; see each property.
        package init(name: String, holder: String, expiresAt: Date, reason: String) {
            self.name = name
            self.holder = holder
            self.expiresAt = expiresAt
            self.reason = reason
        }
    }

    /// Something gc left alone although it might have gone, and why (a live lease, a re-check that failed).
    package struct Skip: Sendable, Equatable {
        /// What was left alone: a lease name, an artifact key, a digest, a path, or `budget`.
        package var subject: String
        /// Why, in words.
        package var reason: String

        /// Nothing is swept while the lease `name` is live (its holder may be between ingest and commit).
        package static func liveLease(_ name: String, holder: String) -> Skip {
            Skip(
                subject: name,
                reason: "live lease held by \(holder): blobs, ingest files and stray directories are not swept while it lasts")
        }

        /// An entry of `ingest/` whose name loom never gives: never deleted, whatever its age.
        package static func foreignIngest(_ path: String) -> Skip {
            Skip(subject: path, reason: Reason.foreignIngest)
        }

        /// An entry; see each property.
        package init(subject: String, reason: String) {
            self.subject = subject
            self.reason = reason
        }
    }

    /// The reasons items carry, as constants so callers and tests can match them.
    package enum Reason {
        /// An artifact beyond the budget, least recently used first.
        package static let overBudget = "least recently used, over the size budget"
        /// A blob nothing references, older than the grace period.
        package static let unreferenced = "unreferenced, older than grace"
        /// An ingest entry older than the grace period whose writer is not running.
        package static let staleIngest = "abandoned ingest file, older than grace"
        /// An ingest entry whose writer (the pid in its name) is gone: interrupted or killed, it holds no lease.
        package static let deadWriterIngest = "abandoned ingest file, its writer is gone"
        /// Why an entry of `ingest/` that loom did not name is left alone.
        package static let foreignIngest = "not a file loom writes (its name is not <pid>-<hex>.part): left alone"
        /// The directory of an artifact evicted in the same run.
        package static let evictedDirectory = "artifact evicted"
        /// An artifact directory without a catalog row, older than the grace period.
        package static let orphanDirectory = "no catalog row, older than grace"
        /// A `.tmp-*` or `.trash-*` entry older than the grace period.
        package static let leftoverDirectory = "left by an interrupted materialization, older than grace"

        /// A blob referenced only by artifacts evicted in the same run; names the first of them.
        package static func freed(by key: String) -> String { "freed by evicting \(key)" }
    }

    /// True for a dry run: nothing was changed.
    package var dryRun: Bool
    /// Evicted artifacts, least recently used first.
    package var artifacts: [Artifact] = []
    /// Deleted blobs, by digest.
    package var blobs: [Blob] = []
    /// Removed ingest files, by path.
    package var ingest: [IngestFile] = []
    /// Removed `artifacts/` entries, by path.
    package var directories: [Directory] = []
    /// Deleted dead leases, by name.
    package var leases: [Lease] = []
    /// What was left alone, and why.
    package var skipped: [Skip] = []

    /// An empty plan.
    package init(dryRun: Bool) {
        self.dryRun = dryRun
    }

    /// Bytes the deleted blobs and ingest files took (artifact sizes are not added: their bytes are
    /// blobs, possibly shared, and count only when those blobs go).
    package var bytesFreed: Int64 {
        blobs.reduce(0) { $0 + $1.size } + ingest.reduce(0) { $0 + $1.size }
    }

    /// True when nothing goes.
    package var isEmpty: Bool {
        artifacts.isEmpty && blobs.isEmpty && ingest.isEmpty && directories.isEmpty && leases.isEmpty
    }
}
