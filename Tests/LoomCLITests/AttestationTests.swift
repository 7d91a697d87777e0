import Foundation
import LoomJSON
import LoomTesting
import Testing

import LoomCore
import Registry

/// Signed provenance (issue 12 item 10): `loom key generate`, `loom audit --in-toto --sign`, and
/// `loom verify-attestation`, which refuses a changed payload, a changed subject file and another key.
@Suite struct AttestationTests {
    /// A store with llama-qv built, a key pair, and the signed envelope of its artifact.
    private struct Signed {
        let store: CLIStore
        let artifact: String
        let key: String
        let envelope: String

        init() throws {
            store = try CLIStore()
            try store.register(adapters: ["llama-qv"])
            artifact = try #require(try store.json("build", "llama-qv")["path"]?.stringValue)
            key = store.directory.file("team.key")
            try store.ok("key", "generate", key)
            envelope = store.directory.file("prov.dsse.json")
            let signed = try store.ok("audit", "llama-qv", "--in-toto", "--sign", key)
            try signed.stdout.write(toFile: envelope, atomically: true, encoding: .utf8)
        }

        func verify(_ extra: [String] = [], envelope path: String? = nil, key publicKey: String? = nil) throws -> LoomRun {
            try LoomProcess.run(["verify-attestation", path ?? envelope, "--key", publicKey ?? key + ".pub"] + extra)
        }
    }

    @Test func keyGenerateWritesAnOwnerOnlyKeyAndNeverOverwrites() throws {
        let dir = try TemporaryDirectory(prefix: "loom-key")
        let key = dir.file("k")
        let run = try LoomProcess.run(["key", "generate", key]).succeeded()
        #expect(run.stdout.contains("key id sha256:"))
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int)
        #expect(mode == 0o600)
        let privateText = try String(contentsOfFile: key, encoding: .utf8)
        let publicText = try String(contentsOfFile: key + ".pub", encoding: .utf8)
        #expect(privateText.hasPrefix("-----BEGIN PRIVATE KEY-----\n") && publicText.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        let again = try LoomProcess.run(["key", "generate", key])
        #expect(again.status == 4 && again.stderrLines.count == 1 && again.stderr.contains(key), "\(again)")
        #expect(try String(contentsOfFile: key, encoding: .utf8) == privateText)
        // Only the .pub taken: nothing is written, not even the private half.
        try FileManager.default.removeItem(atPath: key)
        #expect(try LoomProcess.run(["key", "generate", key]).status == 4)
        #expect(!FileManager.default.fileExists(atPath: key))
    }

    @Test func aSignedStatementVerifiesWithItsArtifact() throws {
        let s = try Signed()
        let envelope = try JSONParser().parse(try String(contentsOfFile: s.envelope, encoding: .utf8))
        #expect(envelope["payloadType"] == .string("application/vnd.in-toto+json"))
        let signatures = try #require(envelope["signatures"]?.arrayValue)
        #expect(signatures.count == 1 && signatures[0]["keyid"]?.stringValue?.hasPrefix("sha256:") == true)
        let payload = try #require(Data(base64Encoded: envelope["payload"]?.stringValue ?? ""))
        let statement = try JSONParser().parse(Array(payload))
        let unsigned = try s.store.ok("audit", "llama-qv", "--in-toto").stdout
        #expect(statement == (try JSONParser().parse(unsigned)))
        let run = try s.verify(["--artifact", s.artifact]).succeeded()
        #expect(run.stdout.hasPrefix("verified: signed by sha256:") && run.stdout.contains("all match"), "\(run)")
        try s.verify().succeeded()
    }

    /// The natural flow on a serving host: `loom pull` the artifact, then check it against the envelope.
    /// The pull's own marker (`.loom/pull.json`) is not an artifact file; anything else extra still fails.
    @Test func aPulledArtifactVerifies() throws {
        let s = try Signed()
        let pulled = s.store.directory.file("served")
        try s.store.ok("pull", "llama-qv", pulled)
        try s.verify(["--artifact", pulled]).succeeded()
        try Data("{}".utf8).write(to: URL(fileURLWithPath: pulled + "/.loom/extra.json"))
        let extra = try s.verify(["--artifact", pulled])
        #expect(extra.status == 3 && extra.stderr.contains(".loom/extra.json"), "\(extra)")
    }

    @Test func aChangedPayloadFails() throws {
        let s = try Signed()
        var envelope = try #require(try JSONParser().parse(try String(contentsOfFile: s.envelope, encoding: .utf8)).objectValue)
        let payload = try #require(Data(base64Encoded: envelope["payload"]?.stringValue ?? ""))
        var text = String(decoding: payload, as: UTF8.self)
        let digest = try #require(text.firstMatch(of: #/"sha256":"([0-9a-f]{64})"/#)?.output.1)
        text = text.replacingOccurrences(of: String(digest), with: String(repeating: "0", count: 64))
        envelope["payload"] = .string(Data(text.utf8).base64EncodedString())
        let tampered = s.store.directory.file("tampered.json")
        try JSONWriter.canonical.string(.object(envelope)).write(toFile: tampered, atomically: true, encoding: .utf8)
        let run = try s.verify(["--artifact", s.artifact], envelope: tampered)
        #expect(run.status == 3 && run.stderrLines.count == 1 && run.stderr.contains("no signature verifies"), "\(run)")
        #expect(run.stdout.isEmpty)
    }

    @Test func aChangedOrExtraSubjectFileFails() throws {
        let s = try Signed()
        let copy = s.store.directory.file("copy")
        try Self.copyContents(of: s.artifact, to: copy)
        try s.verify(["--artifact", copy]).succeeded()
        try Data("{}".utf8).write(to: URL(fileURLWithPath: copy + "/config.json"))
        let changed = try s.verify(["--artifact", copy])
        #expect(changed.status == 3 && changed.stderrLines.count == 1 && changed.stderr.contains("config.json has sha256"), "\(changed)")

        try FileManager.default.removeItem(atPath: copy)
        try Self.copyContents(of: s.artifact, to: copy)
        try Data("print('hi')".utf8).write(to: URL(fileURLWithPath: copy + "/extra.py"))
        let extra = try s.verify(["--artifact", copy])
        #expect(extra.status == 3 && extra.stderr.contains("extra.py is not a subject"), "\(extra)")
    }

    /// A copy with the bytes, not the symlinks into the store's blobs (writing through those would corrupt the store).
    private static func copyContents(of source: String, to destination: String) throws {
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: source) {
            let data = try Data(contentsOf: URL(fileURLWithPath: source + "/" + name))
            try data.write(to: URL(fileURLWithPath: destination + "/" + name))
        }
    }

    @Test func anotherKeyFails() throws {
        let s = try Signed()
        let other = s.store.directory.file("other.key")
        try s.store.ok("key", "generate", other)
        let run = try s.verify(key: other + ".pub")
        #expect(run.status == 3 && run.stderrLines.count == 1 && run.stderr.contains("no signature verifies"), "\(run)")
        let notAKey = try s.verify(key: s.envelope)
        #expect(notAKey.status == 3 && notAKey.stderr.contains("not an Ed25519 public key"), "\(notAKey)")
        let signWithPublic = try s.store.loom("audit", "llama-qv", "--in-toto", "--sign", s.key + ".pub")
        #expect(signWithPublic.status == 3 && signWithPublic.stdout.isEmpty, "\(signWithPublic)")
    }

    /// The DSSE spec's own example: PAE("http://example.com/HelloWorld", "hello world").
    @Test func preAuthenticationEncodingIsTheSpecs() {
        let pae = DSSEEnvelope.pae(type: "http://example.com/HelloWorld", body: Array("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
        #expect(DSSEEnvelope.pae(type: "", body: []) == Array("DSSEv1 0  0 ".utf8))
    }

    /// An independent implementation (Python's `cryptography`) checks loom's signature over its own PAE.
    @Test func pythonCryptographyVerifiesTheSignature() throws {
        let probe = try? TestPython.run("python3", code: "import cryptography")
        guard probe?.status == 0 else {
            print("note: skipping pythonCryptographyVerifiesTheSignature: python3 cannot import cryptography")
            return
        }
        let s = try Signed()
        let code = """
            import base64, json, sys
            from cryptography.hazmat.primitives.serialization import load_pem_public_key, load_pem_private_key
            env = json.load(open(sys.argv[1]))
            key = load_pem_public_key(open(sys.argv[2], 'rb').read())
            load_pem_private_key(open(sys.argv[3], 'rb').read(), password=None)
            body = base64.b64decode(env['payload'])
            t = env['payloadType'].encode()
            pae = b'DSSEv1 %d %s %d %s' % (len(t), t, len(body), body)
            key.verify(base64.b64decode(env['signatures'][0]['sig']), pae)
            try:
                key.verify(base64.b64decode(env['signatures'][0]['sig']), pae + b' ')
                sys.exit('a changed message verified')
            except Exception:
                pass
            assert json.loads(body)['_type'] == 'https://in-toto.io/Statement/v1'
            print('ok')
            """
        let run = try TestPython.run("python3", code: code, arguments: [s.envelope, s.key + ".pub", s.key])
        #expect(run.status == 0 && run.output.contains("ok"), "\(run.output)")
    }
}
