package import Crypto

/// The SHA-256 digest that names a blob, written `sha256:<64 lowercase hex>`.
///
/// A plain value: comparing, hashing and ordering are by the 32 digest bytes (ordering matches
/// the order of ``hex``). Only SHA-256 exists in loom; any other algorithm is refused when parsing.
///
/// ## Topics
/// - ``init(parsing:)``
/// - ``init(hashing:)-(UnsafeRawBufferPointer)``
/// - ``hex``, ``short``, ``description``
public struct Digest: Hashable, Comparable, Sendable, CustomStringConvertible {
    // Four big-endian words: cheap to hash and compare, and their order is the order of the hex text.
    private let w0: UInt64, w1: UInt64, w2: UInt64, w3: UInt64

    /// The algorithm prefix of every digest's text form.
    public static let prefix = "sha256:"

    /// Parses `sha256:<64 lowercase hex digits>`; returns nil for anything else (other algorithms,
    /// upper case, wrong length, surrounding spaces).
    public init?(parsing text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        self.init(hex: text.dropFirst(Self.prefix.count))
    }

    /// `text` without its leading `sha256:` when it has one, else all of it: for user input that may name
    /// a digest with or without the prefix, or by a prefix of its hex digits (not validated here).
    public static func hexPart(of text: String) -> Substring {
        text.hasPrefix(prefix) ? text.dropFirst(prefix.count) : Substring(text)
    }

    /// `sha256:` followed by `hexPrefix` (the first hex digits of a digest): for prefix lookups of keys.
    public static func text(hexPrefix: some StringProtocol) -> String { prefix + hexPrefix }

    /// Parses exactly 64 lowercase hex digits (a blob's file name).
    public init?(hex: some StringProtocol) {
        var words: [UInt64] = []
        words.reserveCapacity(4)
        var word: UInt64 = 0
        var count = 0
        for unit in hex.utf8 {
            let nibble: UInt8
            switch unit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = unit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = unit - UInt8(ascii: "a") + 10
            default: return nil
            }
            count += 1
            guard count <= 64 else { return nil }
            word = word << 4 | UInt64(nibble)
            if count % 16 == 0 {
                words.append(word)
                word = 0
            }
        }
        guard count == 64 else { return nil }
        (w0, w1, w2, w3) = (words[0], words[1], words[2], words[3])
    }

    /// The digest of the given bytes, hashed in one shot on the calling thread.
    public init(hashing bytes: UnsafeRawBufferPointer) {
        var hasher = SHA256()
        hasher.update(bufferPointer: bytes)
        self.init(hasher.finalize())
    }

    /// The digest of the given bytes, hashed in one shot on the calling thread.
    public init(hashing bytes: some Sequence<UInt8>) {
        let digest = bytes.withContiguousStorageIfAvailable { Digest(hashing: UnsafeRawBufferPointer($0)) }
        self = digest ?? Array(bytes).withUnsafeBytes { Digest(hashing: $0) }
    }

    package init(_ digest: SHA256.Digest) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        digest.withUnsafeBytes { raw in
            precondition(raw.count == 32, "SHA-256 digest is 32 bytes")
            func word(_ index: Int) -> UInt64 {
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
            }
            words = (word(0), word(1), word(2), word(3))
        }
        (w0, w1, w2, w3) = words
    }

    /// The 32 digest bytes.
    public var bytes: [UInt8] {
        [w0, w1, w2, w3].flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) } }
    }

    /// The 64 lowercase hex digits, without the algorithm prefix (the blob's file name).
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The first 12 hex digits, for humans only (tables, logs); never for lookups or JSON.
    public var short: String { String(hex.prefix(12)) }

    /// `sha256:<64 hex>`.
    public var description: String { Self.prefix + hex }

    public static func < (lhs: Digest, rhs: Digest) -> Bool {
        (lhs.w0, lhs.w1, lhs.w2, lhs.w3) < (rhs.w0, rhs.w1, rhs.w2, rhs.w3)
    }
}
