/// What ``Registry/rebuild(key:progress:)`` found: the recorded and rebuilt digest of every output
/// file, and for differing weight files, the tensors that differ and by how many ulps.
///
/// A value snapshot of one rebuild.
package struct RebuildReport: Sendable, Equatable {
    /// One output file, as recorded and as rebuilt.
    package struct File: Sendable, Equatable {
        /// The path inside the artifact.
        package var path: String
        /// The digest the catalog records; nil when only the rebuild produced the file.
        package var recorded: String?
        /// The digest the rebuild produced; nil when the rebuild did not produce the file.
        package var rebuilt: String?
        /// What the bytes on disk under the recorded blob hash to now (rehashed by the rebuild); nil when
        /// nothing is recorded or the blob is missing.
        package var onDisk: String?
        /// For a differing `.safetensors` file: every tensor that differs.
        package var tensors: [TensorDifference]
        /// Why the tensors could not be compared, when they could not.
        package var note: String?

        /// True when the recorded digest, the bytes on disk and the rebuild all agree.
        package var isIdentical: Bool { recorded != nil && recorded == rebuilt && onDisk == recorded }

        /// Which of the three (record, disk, rebuild) differs, in words; nil when identical.
        package var discrepancy: String? {
            guard !isIdentical else { return nil }
            guard let recorded else { return "only the rebuild produced this file" }
            guard let onDisk else { return "the recorded blob is missing from the store" }
            guard let rebuilt else { return "the rebuild did not produce this file" }
            switch (onDisk == recorded, rebuilt == recorded) {
            case (false, true): return "the bytes on disk are corrupt (the rebuild matches the recorded digest)"
            case (true, _): return "the rebuild differs from the recorded digest (the bytes on disk match it)"
            case (false, false):
                return onDisk == rebuilt
                    ? "the recorded digest differs from the bytes on disk and the rebuild, which agree"
                    : "the recorded digest, the bytes on disk and the rebuild all differ"
            }
        }

        /// A file comparison; see each property.
        package init(
            path: String, recorded: String?, rebuilt: String?, onDisk: String? = nil, tensors: [TensorDifference] = [],
            note: String? = nil
        ) {
            self.path = path
            self.recorded = recorded
            self.rebuilt = rebuilt
            self.onDisk = onDisk
            self.tensors = tensors
            self.note = note
        }
    }

    /// The artifact's key.
    package var key: String
    /// The merge engine that built the artifact.
    package var recordedEngine: String
    /// The merge engine of this loom, which rebuilt it.
    package var currentEngine: String
    /// Every output file, by path.
    package var files: [File]
    /// Things worth knowing (another engine version, which input rows were used).
    package var notes: [String]

    /// True when every file was rebuilt bit for bit and is intact on disk.
    package var isIdentical: Bool { files.allSatisfy(\.isIdentical) }

    /// The largest ulp distance over every differing float tensor; nil when none could be measured.
    package var maxUlps: UInt64? { files.flatMap(\.tensors).compactMap(\.maxUlps).max() }

    /// A report; see each property.
    package init(key: String, recordedEngine: String, currentEngine: String, files: [File], notes: [String]) {
        self.key = key
        self.recordedEngine = recordedEngine
        self.currentEngine = currentEngine
        self.files = files
        self.notes = notes
    }
}
