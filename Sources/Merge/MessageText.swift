import LoomJSON

/// Untrusted text (config values, tensor keys, module paths) as it may appear in a ``MergeError``.
///
/// Every error message is one line naming the culprit, and configs and tensor keys are hostile input:
/// a key can hold a newline or be a megabyte long. These helpers escape control characters the way
/// JSON does and clip to ``limit`` UTF-8 bytes (marking the cut with `…`), so that a message stays one
/// short line whatever the input. Pure; no state.
enum MessageText {
    /// The most UTF-8 bytes of one piece of untrusted text kept in a message.
    static let limit = 200

    /// `text` as a JSON string literal (quotes included), clipped.
    static func quoted(_ text: String) -> String {
        let clipped = clip(text)
        return JSONWriter.canonical.string(.string(clipped.text)) + (clipped.cut ? "…" : "")
    }

    /// `text` escaped as inside a JSON string literal, without the quotes, clipped.
    static func plain(_ text: String) -> String {
        let clipped = clip(text)
        return String(JSONWriter.canonical.string(.string(clipped.text)).dropFirst().dropLast()) + (clipped.cut ? "…" : "")
    }

    /// A JSON value's compact text, clipped.
    static func json(_ value: JSONValue) -> String {
        let text = JSONWriter.canonical.string(value)
        let clipped = clip(text)
        return clipped.text + (clipped.cut ? "…" : "")
    }

    /// The longest prefix of whole characters within ``limit`` UTF-8 bytes, and whether anything was cut.
    private static func clip(_ text: String) -> (text: String, cut: Bool) {
        guard text.utf8.count > limit else { return (text, false) }
        var bytes = 0
        var end = text.startIndex
        for index in text.indices {
            let width = text[index].utf8.count
            guard bytes + width <= limit else { break }
            bytes += width
            end = text.index(after: index)
        }
        return (String(text[..<end]), true)
    }
}
