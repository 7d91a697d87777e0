extension Names {
    /// True when `a` and `b` are the same bytes. File and tensor names are compared this way, never
    /// with `==`: Swift's `String` equality is Unicode canonical equivalence, so a name in NFD would
    /// match a file whose name is the NFC spelling, which is another file on disk.
    static func sameBytes(_ a: String, _ b: String) -> Bool {
        a.utf8.elementsEqual(b.utf8)
    }

    /// `name`'s UTF-8 bytes, as a key for sets and dictionaries that must compare bytes.
    static func bytes(_ name: String) -> [UInt8] {
        Array(name.utf8)
    }

    /// `text` with every non-ASCII scalar written `\u{…}`, so that names differing only in Unicode
    /// normalization read differently in a message.
    static func scalarsShown(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(80) {
            if scalar.isASCII && scalar.value >= 0x20 && scalar.value != 0x7F {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return "\"" + out + (text.unicodeScalars.count > 80 ? "…" : "") + "\""
    }
}

extension Names {
    /// True when `name`'s bytes end with `suffix`'s (for an ASCII suffix, the same as comparing
    /// Unicode scalars, as Python's `str.endswith` does).
    static func hasSuffixBytes(_ name: String, _ suffix: String) -> Bool {
        name.utf8.count >= suffix.utf8.count && name.utf8.reversed().starts(with: suffix.utf8.reversed())
    }
}
