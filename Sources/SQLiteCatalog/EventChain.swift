internal import Crypto
internal import LoomJSON
internal import LoomCore

/// The event log's hash chain: `hash = sha256_hex(prev_hash_hex + canonical([seq, at, actor, kind, subject, detail]))`.
///
/// The content is loom's canonical compact JSON of that array, with `detail` embedded as a JSON value
/// (not as a string). The first event's `prev_hash` is ``genesis``. Pure functions; thread-safe.
enum EventChain {
    /// The `prev_hash` of the first event: 64 zeros.
    static let genesis = String(repeating: "0", count: 64)

    /// The hash of an event about to be appended.
    static func hash(
        prev: String, seq: Int64, at: String, actor: String, kind: String, subject: String, detail: JSONValue
    ) -> String {
        let content = JSONWriter.canonical.bytes(
            .array([.int(seq), .string(at), .string(actor), .string(kind), .string(subject), detail])
        )
        return hex(prev: prev, content: content)
    }

    /// The hash of a stored row, with its `detail` text spliced in byte for byte.
    ///
    /// Equals ``hash(prev:seq:at:actor:kind:subject:detail:)`` for every row the catalog wrote (it
    /// stores `detail` canonically), and differs for any edit of the stored text, even one that
    /// leaves the JSON value the same.
    static func hash(
        prev: String, seq: Int64, at: String, actor: String, kind: String, subject: String, detailText: String
    ) -> String {
        var content: [UInt8] = [UInt8(ascii: "[")]
        content += Array(String(seq).utf8)
        for field in [at, actor, kind, subject] {
            content.append(UInt8(ascii: ","))
            content += JSONWriter.canonical.bytes(.string(field))
        }
        content.append(UInt8(ascii: ","))
        content += Array(detailText.utf8)
        content.append(UInt8(ascii: "]"))
        return hex(prev: prev, content: content)
    }

    private static func hex(prev: String, content: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(prev.utf8))
        hasher.update(data: content)
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in hasher.finalize() {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
