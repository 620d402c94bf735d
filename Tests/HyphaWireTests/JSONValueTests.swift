// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

@Suite("JSON values")
struct JSONValueTests {
    @Test("objects keep member order and duplicates; numbers keep their text")
    func parseKeepsOrderAndLexemes() throws {
        let value = try JSONValue.parse(#" {"b": 1.50, "a": [true, false, null, -0, 1E+2, 1e400], "b": "x"} "#)
        #expect(
            value
                == .object([
                    ("b", .number("1.50")),
                    (
                        "a",
                        .array([.bool(true), .bool(false), .null, .number("-0"), .number("1E+2"), .number("1e400")])
                    ),
                    ("b", .string("x")),
                ]))
        #expect(value.isObject)
    }

    @Test(
        "any top-level value",
        arguments: [
            ("[1, \"two\"]", JSONValue.array([.number("1"), .string("two")])),
            ("\"text\"", .string("text")),
            ("42", .number("42")),
            ("-3.25e-2", .number("-3.25e-2")),
            ("null", .null),
            ("true", .bool(true)),
            ("{}", .object([])),
            ("[]", .array([])),
        ])
    func topLevel(text: String, value: JSONValue) throws {
        #expect(try JSONValue.parse(text) == value)
        #expect(try JSONValue.parse(text).isObject == (text == "{}"))
    }

    @Test("escapes decode, surrogate pairs combine, lone surrogates become U+FFFD")
    func escapes() throws {
        #expect(
            try JSONValue.parse(#""\u00e9\ud83d\ude00\n\t\"\\\/\b\f\r""#)
                == .string("é😀\n\t\"\\/\u{8}\u{c}\r"))
        #expect(try JSONValue.parse(#""\ud800""#) == .string("\u{FFFD}"))
        #expect(try JSONValue.parse(#""a\ud800b\udc00""#) == .string("a\u{FFFD}b\u{FFFD}"))
        #expect(try JSONValue.parse(#""\ud800\u0041""#) == .string("\u{FFFD}A"))
        #expect(try JSONValue.parse("\"raw é 事件\"") == .string("raw é 事件"))
        #expect(try JSONValue.parse(#"{"k\u00e9": "v"}"#) == .object([("ké", .string("v"))]))
    }

    @Test("parsing bytes and text agree")
    func bytesAndText() throws {
        let text = #"{"a": [1, {"b": "é"}]}"#
        let fromBytes = try utf8(text).withUnsafeBytes { try JSONValue.parse($0) }
        #expect(try fromBytes == JSONValue.parse(text))
    }

    @Test("512 levels build without recursion trouble")
    func deepTree() throws {
        let text = String(repeating: "[", count: 512) + "7" + String(repeating: "]", count: 512)
        var value = try JSONValue.parse(text)
        var depth = 0
        while case .array(let items) = value {
            depth += 1
            value = items[0]
        }
        #expect(depth == 512)
        #expect(value == .number("7"))
    }

    @Test("equality is exact")
    func equality() {
        #expect(JSONValue.object([("a", .null), ("b", .null)]) != .object([("b", .null), ("a", .null)]))
        #expect(JSONValue.number("1") != .number("1.0"))
        #expect(JSONValue.string("1") != .number("1"))
        #expect(JSONValue.array([.object([("a", .bool(true))])]) == .array([.object([("a", .bool(true))])]))
        #expect(JSONValue.object([("a", .null)]) != .object([("a", .null), ("a", .null)]))
    }

    /// Each expected text is the output of Python 3's `json.dumps` for the same value.
    @Test(
        "pythonJSON writes what json.dumps writes",
        arguments: [
            (JSONValue.object([("a", .number("1"))]), #"{"a": 1}"#),
            (.object([]), "{}"),
            (.array([]), "[]"),
            (
                .object([("event", .string("café")), ("emoji", .string("😀")), ("cjk", .string("事件"))]),
                #"{"event": "caf\u00e9", "emoji": "\ud83d\ude00", "cjk": "\u4e8b\u4ef6"}"#
            ),
            (
                .object([("ctl", .string("\u{0}\u{1}\u{1f}\u{7f}")), ("esc", .string("\"\\/\n\r\t\u{8}\u{c}"))]),
                #"{"ctl": "\u0000\u0001\u001f\u007f", "esc": "\"\\/\n\r\t\b\f"}"#
            ),
            (
                .object([
                    (
                        "nested",
                        .array([
                            .number("1"), .array([.number("2"), .array([.number("3"), .array([])])]), .object([]),
                        ])
                    ),
                    ("b", .bool(true)), ("c", .bool(false)), ("n", .null),
                ]), #"{"nested": [1, [2, [3, []]], {}], "b": true, "c": false, "n": null}"#
            ),
            (
                .array([.number("1"), .string("two"), .number("3.5"), .number("0"), .number("1e+100")]),
                #"[1, "two", 3.5, 0, 1e+100]"#
            ),
            (.string("plain string"), #""plain string""#),
            (
                .object([("u2028", .string("\u{2028}\u{feff}\u{ffff}\u{10ffff}"))]),
                #"{"u2028": "\u2028\ufeff\uffff\udbff\udfff"}"#
            ),
        ])
    func pythonJSON(value: JSONValue, python: String) throws {
        #expect(value.pythonJSON() == utf8(python))
        // And Python's text parses back to the same value, which writes the same bytes.
        let reparsed = try JSONValue.parse(python)
        #expect(reparsed == value)
        #expect(reparsed.pythonJSON() == utf8(python))
    }

    @Test("compactJSON keeps UTF-8 and escapes only what JSON requires")
    func compact() {
        let value = JSONValue.object([
            ("a", .array([.number("1"), .string("é 😀\n\u{1}\u{7f}/\"\\")])),
            ("b", .object([])), ("c", .array([])), ("d", .null), ("e", .bool(false)),
        ])
        #expect(
            value.compactJSON()
                == utf8(#"{"a":[1,"é 😀\n\u0001"# + "\u{7f}" + #"/\"\\"],"b":{},"c":[],"d":null,"e":false}"#))
        #expect(JSONValue.string("x").compactJSON() == utf8(#""x""#))
    }

    @Test("compact output parses back to the same value")
    func compactRoundTrip() throws {
        let text = #"{"k": [1.0, "\u00e9\n", {"z": null}], "e": {}}"#
        let value = try JSONValue.parse(text)
        let compact = value.compactJSON()
        #expect(try compact.withUnsafeBytes { try JSONValue.parse($0) } == value)
        #expect(compact == utf8(#"{"k":[1.0,"é\n",{"z":null}],"e":{}}"#))
    }
}
