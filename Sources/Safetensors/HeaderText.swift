import LoomJSON

/// The header's text layer: UTF-8, JSON, one object, padding. Maps ``JSONError`` to the
/// ``SafetensorsError`` case that names the problem.
enum HeaderText {
    /// The header bytes (after the length field) as a JSON object.
    ///
    /// - Throws: ``SafetensorsError/headerNotUTF8(offset:)``, ``SafetensorsError/headerNotJSON(offset:reason:)``,
    ///   ``SafetensorsError/headerTooDeep(offset:maxDepth:)``, ``SafetensorsError/tooManyTensors(limit:)``,
    ///   ``SafetensorsError/duplicateTensorName(_:)``,
    ///   ``SafetensorsError/duplicateKey(_:)``, ``SafetensorsError/headerNotAnObject``,
    ///   ``SafetensorsError/invalidHeaderPadding(offset:byte:)``.
    static func object(_ text: UnsafeBufferPointer<UInt8>) throws(SafetensorsError) -> JSONObject {
        if let bad = firstInvalidUTF8(text) { throw .headerNotUTF8(offset: bad) }
        // The Python writer pads with spaces to 8-byte alignment: drop those before parsing.
        var end = text.count
        while end > 0, text[end - 1] == 0x20 { end -= 1 }
        let json = UnsafeBufferPointer(rebasing: text[0..<end])
        let value: JSONValue
        do {
            // One more member than tensors: `__metadata__` is a member too (decode checks the exact count).
            value = try JSONParser(maxDepth: SafetensorsHeader.maxDepth, maxMembers: SafetensorsHeader.maxTensors + 1).parse(json)
        } catch {
            throw classify(error, in: json)
        }
        guard case .object(let object) = value else { throw .headerNotAnObject }
        // JSONParser allows JSON whitespace around the document; the format allows trailing spaces only.
        if let first = json.first, first != UInt8(ascii: "{") { throw .invalidHeaderPadding(offset: 0, byte: first) }
        if let last = json.last, last != UInt8(ascii: "}") {
            var closing = end - 1
            while closing > 0, json[closing] != UInt8(ascii: "}") { closing -= 1 }
            var offset = closing + 1
            while offset < end, json[offset] == 0x20 { offset += 1 }
            throw .invalidHeaderPadding(offset: offset, byte: offset < end ? json[offset] : last)
        }
        return object
    }

    /// Offset of the first byte that is not part of a well-formed UTF-8 sequence, or nil.
    static func firstInvalidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): offset += UTF8.width(scalar)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    private static func classify(_ error: JSONError, in json: UnsafeBufferPointer<UInt8>) -> SafetensorsError {
        // A failure after a complete document is content after the object: padding that is not spaces.
        let before = UnsafeBufferPointer(rebasing: json[0..<min(max(error.offset, 0), json.count)])
        if error.offset < json.count, (try? JSONParser(maxDepth: SafetensorsHeader.maxDepth).parse(before)) != nil {
            return .invalidHeaderPadding(offset: error.offset, byte: json[error.offset])
        }
        // JSONParser reports these two as reasons only; the prefixes are pinned by SafetensorsTests.
        if error.reason.hasPrefix("more than") {
            return .tooManyTensors(limit: SafetensorsHeader.maxTensors)
        }
        if error.reason.hasPrefix("nesting deeper") {
            return .headerTooDeep(offset: error.offset, maxDepth: SafetensorsHeader.maxDepth)
        }
        if error.reason.hasPrefix("duplicate key"), let key = string(at: error.offset, in: json) {
            return depth(at: error.offset, in: json) == 1 ? .duplicateTensorName(key) : .duplicateKey(key)
        }
        return .headerNotJSON(offset: error.offset, reason: error.reason)
    }

    /// The JSON string literal starting at `offset`, decoded, or nil when there is none.
    static func string(at offset: Int, in json: UnsafeBufferPointer<UInt8>) -> String? {
        guard offset >= 0, offset < json.count, json[offset] == UInt8(ascii: "\"") else { return nil }
        var i = offset + 1
        while i < json.count {
            switch json[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""):
                let literal = UnsafeBufferPointer(rebasing: json[offset...i])
                return (try? JSONParser(maxDepth: 0).parse(literal))?.stringValue
            default: i += 1
            }
        }
        return nil
    }

    /// How many objects and arrays enclose `offset`, for JSON the parser accepted up to there.
    static func depth(at offset: Int, in json: UnsafeBufferPointer<UInt8>) -> Int {
        var depth = 0
        var inString = false
        var escaped = false
        for i in 0..<min(offset, json.count) {
            let b = json[i]
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
            default: break
            }
        }
        return depth
    }
}
