import Crypto
import Foundation
package import LoomJSON

#if canImport(Glibc)
import Glibc
#endif

/// Signed provenance: key files, DSSE envelopes around in-toto statements, and their verification
/// against an artifact directory. Needs no store. Stateless; thread-safe.
package enum Attestation {
    /// What a successful verification established.
    package struct Check: Sendable {
        /// The key id of the key that verified (``VerifyingKey/keyID``).
        package var keyID: String
        /// Each subject's name and sha256 hex, as signed.
        package var subjects: [(name: String, sha256: String)]
        /// Whether the subjects were compared with the files of a directory.
        package var checkedDirectory: String?
    }

    /// Writes a new Ed25519 key pair: `path` (PKCS #8 PEM, mode 0600) and `path.pub` (SubjectPublicKeyInfo
    /// PEM, mode 0644). Returns the public key.
    ///
    /// Neither file is overwritten; when either exists nothing is written. A failure midway removes what
    /// this call wrote.
    /// - Throws: ``RegistryError`` `.conflict` when a file exists, `.io` when one cannot be written.
    package static func generateKey(at path: String) throws(RegistryError) -> VerifyingKey {
        let key = SigningKey()
        let publicPath = path + ".pub"
        for p in [path, publicPath] where FileManager.default.fileExists(atPath: p) {
            throw .conflict("\(p) exists; loom key generate never overwrites a key (remove it or choose another FILE)")
        }
        try writeNew(path, contents: key.pem, mode: 0o600)
        do {
            try writeNew(publicPath, contents: key.publicKey.pem, mode: 0o644)
        } catch {
            unlink(path)
            throw error
        }
        return key.publicKey
    }

    /// Creates `path` exclusively with `mode` (not widened by the umask's absence: fchmod after open) and
    /// writes `contents`; removes it again when the write fails.
    private static func writeNew(_ path: String, contents: String, mode: mode_t) throws(RegistryError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw errno == EEXIST ? .conflict("\(path) exists; loom key generate never overwrites a key") : .io("cannot create \(path): \(reason)")
        }
        let bytes = Array(contents.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let ok = written == bytes.count && fchmod(fd, mode) == 0 && fsync(fd) == 0
        let reason = String(cString: strerror(errno))
        close(fd)
        guard ok else {
            unlink(path)
            throw .io("cannot write \(path): \(reason)")
        }
    }

    /// Reads a PEM key file.
    ///
    /// - Throws: ``RegistryError`` `.notFound` for a missing file, `.invalid` (naming the file) for other contents.
    static func readText(_ path: String, what: String) throws(RegistryError) -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw .notFound("no \(what) at \(path)") }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw .io("cannot read \(path)")
        }
        return text
    }

    package static func signingKey(at path: String) throws(RegistryError) -> SigningKey {
        do {
            return try SigningKey(pem: try readText(path, what: "key file"))
        } catch {
            throw error.kind == .invalid ? .invalid("\(path): \(error.message)") : error
        }
    }

    package static func verifyingKey(at path: String) throws(RegistryError) -> VerifyingKey {
        do {
            return try VerifyingKey(pem: try readText(path, what: "public key"))
        } catch {
            throw error.kind == .invalid ? .invalid("\(path): \(error.message)") : error
        }
    }

    /// `statement` as the payload of a DSSE envelope (compact canonical JSON) signed by `key`.
    package static func envelope(for statement: JSONValue, signedBy key: SigningKey) -> DSSEEnvelope {
        DSSEEnvelope(payloadType: DSSEEnvelope.inTotoPayloadType, payload: JSONWriter.canonical.bytes(statement)).signed(by: key)
    }

    /// Verifies the envelope at `path` with `key`, then (with `directory`) that every subject is a file
    /// there with that sha256 and that the directory holds no other regular file.
    ///
    /// Read-only. The signature is checked before anything in the payload is trusted.
    /// - Throws: ``RegistryError`` `.invalid` with one line saying what failed (wrong payload type, no
    ///   signature by this key, a statement that is not in-toto v1, a subject whose bytes differ, a file
    ///   that is no subject), `.notFound` for a missing envelope or subject file.
    package static func verify(envelopeAt path: String, key: VerifyingKey, directory: String?) throws(RegistryError) -> Check {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw FileManager.default.fileExists(atPath: path) ? .io("cannot read \(path)") : .notFound("no envelope at \(path)")
        }
        let envelope = try DSSEEnvelope(parsing: Array(data))
        guard envelope.payloadType == DSSEEnvelope.inTotoPayloadType else {
            throw .invalid("\(path): payloadType is \(Names.quoted(envelope.payloadType)), not \(DSSEEnvelope.inTotoPayloadType)")
        }
        guard envelope.isSigned(by: key) else {
            throw .invalid("\(path): no signature verifies with key \(key.keyID) (the payload was changed, or another key signed it)")
        }
        let statement: JSONValue
        do {
            statement = try JSONParser().parse(envelope.payload)
        } catch {
            throw .invalid("\(path): the signed payload is not JSON")
        }
        guard statement["_type"]?.stringValue == InTotoStatement.statementType, let list = statement["subject"]?.arrayValue else {
            throw .invalid("\(path): the signed payload is not an in-toto Statement v1")
        }
        var subjects: [(name: String, sha256: String)] = []
        for entry in list {
            guard let name = entry["name"]?.stringValue, let hex = entry["digest"]?["sha256"]?.stringValue else {
                throw .invalid("\(path): a subject has no name or sha256 digest")
            }
            subjects.append((name, hex))
        }
        if let directory { try compare(subjects, with: directory) }
        return Check(keyID: key.keyID, subjects: subjects, checkedDirectory: directory)
    }

    private static func compare(_ subjects: [(name: String, sha256: String)], with directory: String) throws(RegistryError) {
        var seen = Set<String>()
        for subject in subjects {
            let parts = subject.name.split(separator: "/", omittingEmptySubsequences: false)
            guard !subject.name.hasPrefix("/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
                throw .invalid("subject \(Names.quoted(subject.name)) is not a relative path inside the artifact")
            }
            let file = directory + "/" + subject.name
            guard let hex = try sha256Hex(of: file) else { throw .notFound("\(file) is missing (a subject of the attestation)") }
            guard hex == subject.sha256 else {
                throw .invalid("\(file) has sha256 \(hex), but the attestation says \(subject.sha256)")
            }
            seen.insert(subject.name)
        }
        // A directory written by `loom pull` holds its marker beside the artifact's files.
        for extra in regularFiles(under: directory).sorted() where !seen.contains(extra) && extra != Registry.pullMarker {
            throw .invalid("\(directory)/\(extra) is not a subject of the attestation")
        }
    }

    /// The hex sha256 of the file at `path` (symlinks followed), nil when there is no such file.
    private static func sha256Hex(of path: String) throws(RegistryError) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        } catch {
            throw .io("cannot read \(path): \(error.localizedDescription)")
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Relative paths of the regular files (or symlinks to them) below `directory`.
    private static func regularFiles(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = walker.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(relative)
            }
        }
        return files
    }
}
