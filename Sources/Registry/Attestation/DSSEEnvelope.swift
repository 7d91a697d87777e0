import Foundation
package import LoomJSON

/// A DSSE envelope (https://github.com/secure-systems-lab/dsse, protocol v1.0): a payload, its type and
/// signatures over the payload's pre-authentication encoding (``pae(type:body:)``), never over the JSON.
///
/// JSON shape, members in this order: `{"payload": <standard base64>, "payloadType": <type>,
/// "signatures": [{"keyid": <hint>, "sig": <standard base64>}, …]}`. A key id is an unauthenticated
/// hint; verification tries every signature. Value type; thread-safe.
package struct DSSEEnvelope: Sendable, Equatable {
    /// The in-toto payload type.
    package static let inTotoPayloadType = "application/vnd.in-toto+json"

    package struct Signature: Sendable, Equatable {
        package var keyID: String
        package var sig: [UInt8]
    }

    package var payloadType: String
    package var payload: [UInt8]
    package var signatures: [Signature]

    package init(payloadType: String, payload: [UInt8], signatures: [Signature] = []) {
        self.payloadType = payloadType
        self.payload = payload
        self.signatures = signatures
    }

    /// `PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, with LEN the byte length
    /// in ASCII decimal without leading zeros and SP one space (0x20). What is signed.
    package static func pae(type: String, body: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return Array("DSSEv1 \(typeBytes.count) ".utf8) + typeBytes + Array(" \(body.count) ".utf8) + body
    }

    /// The bytes every signature signs.
    package var signedBytes: [UInt8] { Self.pae(type: payloadType, body: payload) }

    /// The envelope signed by `key`: its one signature appended.
    package func signed(by key: SigningKey) -> DSSEEnvelope {
        var copy = self
        copy.signatures.append(Signature(keyID: key.publicKey.keyID, sig: key.sign(signedBytes)))
        return copy
    }

    /// Whether some signature verifies with `key`.
    package func isSigned(by key: VerifyingKey) -> Bool {
        let message = signedBytes
        return signatures.contains { key.isValid($0.sig, for: message) }
    }

    package var json: JSONValue {
        .object([
            "payload": .string(Data(payload).base64EncodedString()), "payloadType": .string(payloadType),
            "signatures": .array(signatures.map { .object(["keyid": .string($0.keyID), "sig": .string(Data($0.sig).base64EncodedString())]) }),
        ])
    }

    /// Parses an envelope's JSON; base64 may be standard or URL-safe, padded or not (DSSE allows both).
    ///
    /// - Throws: ``RegistryError`` `.invalid` naming the member that is missing or malformed.
    package init(parsing bytes: [UInt8]) throws(RegistryError) {
        let value: JSONValue
        do {
            value = try JSONParser().parse(bytes)
        } catch {
            throw .invalid("not a DSSE envelope: the JSON does not parse (\(error))")
        }
        guard let type = value["payloadType"]?.stringValue else { throw .invalid("not a DSSE envelope: no payloadType string") }
        guard let payload = value["payload"]?.stringValue.flatMap(Self.base64) else { throw .invalid("not a DSSE envelope: payload is not base64") }
        guard let list = value["signatures"]?.arrayValue, !list.isEmpty else { throw .invalid("the envelope has no signatures") }
        var signatures: [Signature] = []
        for (i, entry) in list.enumerated() {
            guard let sig = entry["sig"]?.stringValue.flatMap(Self.base64) else { throw .invalid("signature \(i + 1) has no base64 sig") }
            signatures.append(Signature(keyID: entry["keyid"]?.stringValue ?? "", sig: sig))
        }
        self.init(payloadType: type, payload: payload, signatures: signatures)
    }

    private static func base64(_ text: String) -> [UInt8]? {
        var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while standard.count % 4 != 0 { standard += "=" }
        return Data(base64Encoded: standard).map(Array.init)
    }
}
