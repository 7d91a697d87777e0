import Crypto
import Foundation
import LoomCore

/// An Ed25519 private key, stored as PEM PKCS #8 (`-----BEGIN PRIVATE KEY-----`, RFC 8410), the form
/// `openssl genpkey -algorithm ed25519` writes and Python's `cryptography` loads. Value type; thread-safe.
package struct SigningKey: Sendable {
    // RFC 8410 §7: SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }.
    static let pkcs8Prefix: [UInt8] = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]

    private let key: Curve25519.Signing.PrivateKey

    /// A new random key.
    package init() {
        key = Curve25519.Signing.PrivateKey()
    }

    /// Parses the PEM text of a key file.
    ///
    /// - Throws: ``RegistryError`` `.invalid` when the text is not an Ed25519 PKCS #8 private key.
    package init(pem: String) throws(RegistryError) {
        guard let der = PEM.decode(pem, label: "PRIVATE KEY"), der.count == 48, Array(der.prefix(16)) == Self.pkcs8Prefix,
            let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32))
        else {
            throw .invalid("not an Ed25519 private key (PEM \"PRIVATE KEY\", PKCS #8; `loom key generate` writes one)")
        }
        self.key = key
    }

    package var pem: String { PEM.encode(Self.pkcs8Prefix + Array(key.rawRepresentation), label: "PRIVATE KEY") }

    package var publicKey: VerifyingKey { VerifyingKey(key.publicKey) }

    /// The Ed25519 signature (64 bytes) of `message`.
    package func sign(_ message: [UInt8]) -> [UInt8] {
        // Signing with a valid key cannot fail; the throw is the API's, for hardware-backed keys.
        Array((try? key.signature(for: message)) ?? Data())
    }
}

/// An Ed25519 public key, stored as PEM SubjectPublicKeyInfo (`-----BEGIN PUBLIC KEY-----`, RFC 8410).
package struct VerifyingKey: Sendable {
    // RFC 8410 §4: SEQUENCE { SEQUENCE { OID 1.3.101.112 }, BIT STRING (0 unused bits, 32 bytes) }.
    static let spkiPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    private let key: Curve25519.Signing.PublicKey

    init(_ key: Curve25519.Signing.PublicKey) {
        self.key = key
    }

    /// Parses the PEM text of a `.pub` file.
    ///
    /// - Throws: ``RegistryError`` `.invalid` when the text is not an Ed25519 SubjectPublicKeyInfo.
    package init(pem: String) throws(RegistryError) {
        guard let der = PEM.decode(pem, label: "PUBLIC KEY"), der.count == 44, Array(der.prefix(12)) == Self.spkiPrefix,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: der.suffix(32))
        else {
            throw .invalid("not an Ed25519 public key (PEM \"PUBLIC KEY\"; `loom key generate FILE` writes FILE.pub)")
        }
        self.key = key
    }

    var der: [UInt8] { Self.spkiPrefix + Array(key.rawRepresentation) }

    package var pem: String { PEM.encode(der, label: "PUBLIC KEY") }

    /// `sha256:` and the hex SHA-256 of the SubjectPublicKeyInfo DER: the key id signatures carry.
    package var keyID: String { Digest(hashing: der).description }

    func isValid(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        key.isValidSignature(signature, for: message)
    }
}

/// RFC 7468 text encoding: a label, base64 in 64-character lines.
enum PEM {
    static func encode(_ der: [UInt8], label: String) -> String {
        let base64 = Data(der).base64EncodedString()
        var lines = ["-----BEGIN \(label)-----"]
        var rest = Substring(base64)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(64)))
            rest = rest.dropFirst(64)
        }
        lines.append("-----END \(label)-----")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The DER between the first BEGIN/END lines with `label`, or nil.
    static func decode(_ text: String, label: String) -> [UInt8]? {
        let begin = "-----BEGIN \(label)-----", end = "-----END \(label)-----"
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) else { return nil }
        let body = text[start.upperBound..<stop.lowerBound].filter { !$0.isWhitespace }
        return Data(base64Encoded: String(body)).map(Array.init)
    }
}
