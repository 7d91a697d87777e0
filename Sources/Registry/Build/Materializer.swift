import BlobStore
import LoomCore
import Foundation
import LoomFaults

#if canImport(Glibc)
import Glibc
#endif

/// Makes `artifacts/<hex>/`: a model directory of relative symlinks to the blob store's local files
/// (``LocalBlobAccess/relativePath(of:)``), which transformers' `from_pretrained` loads like any other.
///
/// Atomic: the directory is assembled under a temporary name and renamed into place, so a reader (or
/// a crash) never sees a partial directory. Idempotent: a complete directory is left as it is; an
/// incomplete or stale one is replaced. Safe across processes (the loser of a rename race discards its copy).
struct Materializer {
    let registry: Registry

    /// The materialized directory of an artifact with key digest `key`.
    func path(for key: Digest) -> String { registry.artifactsDirectory + "/" + key.hex }

    /// Whether the directory exists with exactly a correct link per file.
    func isComplete(_ key: Digest, files: [Manifest.Entry]) -> Bool {
        let dir = path(for: key)
        for file in files {
            let link = dir + "/" + file.path
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: link),
                target == relativeTarget(file.path, digest: file.digest), registry.blobs.contains(file.digest)
            else { return false }
        }
        let listed = (try? FileManager.default.subpathsOfDirectory(atPath: dir)) ?? []
        let expected = Set(files.map(\.path))
        return listed.allSatisfy { item in expected.contains(item) || expected.contains(where: { $0.hasPrefix(item + "/") }) }
    }

    func relativeTarget(_ path: String, digest: Digest) -> String {
        let depth = path.split(separator: "/").count + 1
        return String(repeating: "../", count: depth) + registry.blobs.relativePath(of: digest)
    }

    /// Ensures the directory exists and is complete; returns its absolute path.
    ///
    /// - Throws: ``RegistryError`` (`.io`).
    @discardableResult
    func materialize(_ key: Digest, files: [Manifest.Entry]) throws(RegistryError) -> String {
        let final = path(for: key)
        if isComplete(key, files: files) { return final }
        let fm = FileManager.default
        let temp = registry.artifactsDirectory + "/.tmp-\(key.hex.prefix(16))-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try fm.createDirectory(atPath: temp, withIntermediateDirectories: true)
            for file in files {
                let link = temp + "/" + file.path
                let parent = (link as NSString).deletingLastPathComponent
                if parent != temp { try fm.createDirectory(atPath: parent, withIntermediateDirectories: true) }
                try fm.createSymbolicLink(atPath: link, withDestinationPath: relativeTarget(file.path, digest: file.digest))
            }
        } catch {
            try? fm.removeItem(atPath: temp)
            throw .io("cannot materialize artifact \(key): \(error.localizedDescription)")
        }
        Fault.point("materialize.before-rename")
        if rename(temp, final) != 0 {
            // Someone else materialized it first, or a stale directory is in the way.
            if isComplete(key, files: files) {
                try? fm.removeItem(atPath: temp)
                return final
            }
            let trash = registry.artifactsDirectory + "/.trash-\(key.hex.prefix(16))-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            let movedAside = rename(final, trash) == 0 || errno == ENOENT
            Fault.point("materialize.mid-replace")
            guard movedAside, rename(temp, final) == 0 else {
                let reason = String(cString: strerror(errno))
                try? fm.removeItem(atPath: temp)
                throw .io("cannot materialize artifact \(key) at \(final): \(reason)")
            }
            try? fm.removeItem(atPath: trash)
        }
        Fault.point("materialize.after-rename")
        return final
    }

    /// Removes an artifact's directory for gc, which has just deleted its row; returns false when it kept it.
    ///
    /// A build may commit the same key again between the row's deletion and this call and, finding the old
    /// directory complete, return its path: so the directory is first moved aside, then `isWanted` (does the
    /// row exist again?) is asked, and a wanted directory is put back instead of deleted. A build committing
    /// after that question finds no directory and materializes a fresh one. Idempotent: a directory that is
    /// gone already counts as removed.
    func remove(_ key: Digest, unless isWanted: () -> Bool) -> Bool {
        let fm = FileManager.default
        let final = path(for: key)
        guard fm.fileExists(atPath: final) else { return true }
        let trash = registry.artifactsDirectory + "/.trash-\(key.hex.prefix(16))-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard rename(final, trash) == 0 else { return !fm.fileExists(atPath: final) }
        // Put back only where no fresher copy appeared meanwhile (rename fails onto a non-empty directory).
        if isWanted(), rename(trash, final) == 0 { return false }
        try? fm.removeItem(atPath: trash)
        return !isWanted()
    }
}
