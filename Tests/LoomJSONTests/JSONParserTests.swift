import LoomJSON
import Testing

@Suite struct JSONParserTests {
    let parser = JSONParser()

    @Test func keepsObjectOrderAndNumberLiterals() throws {
        let v = try parser.parse(#"{"b": 1e-06, "a": [1, 2.50, -0], "c": {"z": null, "y": true}}"#)
        let o = try #require(v.objectValue)
        #expect(o.keys == ["b", "a", "c"])
        #expect(v["b"] == .number("1e-06"))
        #expect(v["a"] == [.number("1"), .number("2.50"), .number("-0")])
        #expect(v["c"]?.objectValue?.keys == ["z", "y"])
        #expect(JSONWriter.canonical.string(v) == #"{"b":1e-06,"a":[1,2.50,-0],"c":{"z":null,"y":true}}"#)
    }

    @Test func duplicateKeyIsRefused() {
        #expect(throws: JSONError.self) { try parser.parse(#"{"a": 1, "a": 2}"#) }
    }

    @Test func objectsWithMoreMembersThanAllowedAreRefusedAtTheFirstExtraMember() throws {
        let parser = JSONParser(maxMembers: 2)
        #expect(try parser.parse(#"{"a":1,"b":{"c":2,"d":3}}"#).objectValue?.count == 2)
        let error = try #require(throws: JSONError.self) { try parser.parse(#"{"a":1,"b":2,"c":3}"#) }
        #expect(error.offset == 13)
        #expect(error.reason.hasPrefix("more than 2 members"))
        #expect(throws: JSONError.self) { try parser.parse(#"[{"a":1,"b":2,"c":3}]"#) }
    }

    @Test func depthBombIsRefused() {
        let bomb = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONError.self) { try parser.parse(bomb) }
        #expect(throws: Never.self) { try JSONParser(maxDepth: 3).parse("[[[1]]]") }
        #expect(throws: JSONError.self) { try JSONParser(maxDepth: 3).parse("[[[[1]]]]") }
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "1e", "-", "tru", "\"abc", "\"\u{01}\"", "{} x",
        "\"\\ud800\"", "\"\\udc00\"", "\"\\x\"", "NaN", "[1 2]", "{\"a\" 1}", "{1:2}",
    ])
    func malformedInputIsRefused(_ text: String) {
        #expect(throws: JSONError.self) { try parser.parse(text) }
    }

    @Test func invalidUTF8IsRefused() throws {
        for bad: [UInt8] in [[0x22, 0xC0, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22]] {
            #expect(throws: JSONError.self) { try parser.parse(bad) }
        }
        #expect(try parser.parse(Array("\"é€😀\"".utf8)) == .string("é€😀"))
    }

    @Test func escapesRoundTrip() throws {
        let v = try parser.parse(#""a\"b\\c\n\u0001\ud83d\ude00\/""#)
        #expect(v == .string("a\"b\\c\n\u{01}😀/"))
        #expect(try parser.parse(JSONWriter.canonical.bytes(v)) == v)
    }

    @Test func integerAccessorsAreExact() throws {
        #expect(JSONValue.number("9007199254740993").int64Value == 9_007_199_254_740_993)
        #expect(JSONValue.number("1e3").int64Value == nil)
        #expect(JSONValue.number("1.0").intValue == nil)
        #expect(JSONValue.number("99999999999999999999").int64Value == nil)
        #expect(JSONValue.number("16.5").doubleValue == 16.5)
    }

    @Test func indentedAndSortedOutput() {
        let v: JSONValue = .object(["b": 1, "a": ["x", nil]])
        #expect(JSONWriter(indent: 2, sortKeys: true).string(v) == "{\n  \"a\": [\n    \"x\",\n    null\n  ],\n  \"b\": 1\n}")
        #expect(JSONValue.double(0.7) == .number("0.7"))
        #expect(JSONValue.double(1) == .number("1.0"))
    }
}
