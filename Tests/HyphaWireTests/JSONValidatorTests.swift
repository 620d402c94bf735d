// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

@Suite("JSON validation")
struct JSONValidatorTests {
    static let valid: [String] = [
        "0", "-0", "1", "-1", "10", "1.5", "-1.5e10", "1E+2", "1e-2", "0.0", "0e0", "1e400",
        "true", "false", "null",
        "\"\"", "\"a\"", "[]", "{}", " [ ] ", "\t\n\r 1 \n",
        "[1,2,3]", "{\"a\":{\"b\":[null]}}", "{\"a\" : 1 , \"b\" : [ true ] }",
        "{\"a\":1,\"a\":2}",
        "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\u00e9\\uD83D\\uDE00\"",
        "\"é 事件 😀\"", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\u{7f}\"", "\"/\"",
        "[[[]]]", "[{}, [], \"\", 0]",
    ]

    @Test("accepts valid JSON", arguments: valid)
    func accepts(_ text: String) {
        #expect(withRawBytes(utf8(text)) { JSONValidator.validate($0!) } == nil)
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let bytes: [UInt8]
        let offset: Int
        let reason: String
        init(_ text: String, _ offset: Int, _ reason: String) {
            self.init(bytes: utf8(text), offset, reason)
        }
        init(bytes: [UInt8], _ offset: Int, _ reason: String) {
            self.bytes = bytes
            self.offset = offset
            self.reason = reason
        }
        var testDescription: String { String(decoding: bytes, as: UTF8.self).debugDescription }
    }

    static let invalid: [Invalid] = [
        Invalid("", 0, "unexpected end of input"),
        Invalid("   ", 3, "unexpected end of input"),
        Invalid("01", 1, "leading zero in number"),
        Invalid("-01", 2, "leading zero in number"),
        Invalid("1.", 2, "expected a digit after '.'"),
        Invalid("1.e5", 2, "expected a digit after '.'"),
        Invalid(".5", 0, "expected a value"),
        Invalid("-", 1, "expected a digit"),
        Invalid("+1", 0, "expected a value"),
        Invalid("1e", 2, "expected a digit in the exponent"),
        Invalid("1e+", 3, "expected a digit in the exponent"),
        Invalid("NaN", 0, "expected a value"),
        Invalid("Infinity", 0, "expected a value"),
        Invalid("-Infinity", 1, "expected a digit"),
        Invalid("tru", 0, "invalid literal"),
        Invalid("nul", 0, "invalid literal"),
        Invalid("True", 0, "expected a value"),
        Invalid("\"abc", 4, "unterminated string"),
        Invalid("\"a\nb\"", 2, "control character in string"),
        Invalid("\"a\tb\"", 2, "control character in string"),
        Invalid("\"a\u{0}\"", 2, "control character in string"),
        Invalid("\"\\x\"", 1, "invalid escape"),
        Invalid("\"\\u12G4\"", 5, "expected four hex digits after \\u"),
        Invalid("\"\\u12\"", 5, "expected four hex digits after \\u"),
        Invalid("\"\\u12", 5, "unterminated string"),
        Invalid("\"\\", 2, "unterminated string"),
        Invalid("[1,]", 3, "expected a value"),
        Invalid("{\"a\":1,}", 7, "expected a string key"),
        Invalid("{\"a\" 1}", 5, "expected ':'"),
        Invalid("{a:1}", 1, "expected a string key"),
        Invalid("{\"a\":1", 6, "unexpected end of input"),
        Invalid("{\"a\"", 4, "unexpected end of input"),
        Invalid("[1 2]", 3, "expected ',' or ']'"),
        Invalid("{\"a\":1 \"b\":2}", 7, "expected ',' or '}'"),
        Invalid("1 2", 2, "unexpected data after the value"),
        Invalid("{}}", 2, "unexpected data after the value"),
        Invalid("[", 1, "unexpected end of input"),
        Invalid("]", 0, "expected a value"),
        Invalid("'a'", 0, "expected a value"),
        Invalid("1\u{0}", 1, "unexpected data after the value"),
        Invalid("[1,\n 2,\n]", 8, "expected a value"),
        // A byte-order mark is not JSON (RFC 8259 §8.1 lets parsers refuse it).
        Invalid(bytes: [0xef, 0xbb, 0xbf, 0x7b, 0x7d], 0, "expected a value"),
        // Bytes that are not well-formed UTF-8, inside strings: a stray byte, an
        // overlong form, an encoded surrogate, a cut sequence, beyond U+10FFFF.
        Invalid(bytes: [0x22, 0xff, 0x22], 1, "invalid UTF-8 in string"),
        Invalid(bytes: [0x22, 0x61, 0xc0, 0x80, 0x22], 2, "invalid UTF-8 in string"),
        Invalid(bytes: [0x22, 0xed, 0xa0, 0x80, 0x22], 1, "invalid UTF-8 in string"),
        Invalid(bytes: [0x22, 0xe4, 0xba, 0x22], 1, "invalid UTF-8 in string"),
        Invalid(bytes: [0x22, 0xf4, 0x90, 0x80, 0x80, 0x22], 1, "invalid UTF-8 in string"),
        Invalid(bytes: [0x22, 0xe4, 0xba], 1, "invalid UTF-8 in string"),
        // Non-ASCII outside a string is just not a value.
        Invalid(bytes: [0xc3, 0xa9], 0, "expected a value"),
    ]

    @Test("rejects invalid JSON with where and why", arguments: invalid)
    func rejects(_ c: Invalid) {
        let error = withRawBytes(c.bytes) { JSONValidator.validate($0!) }
        #expect(error == JSONSyntaxError(offset: c.offset, reason: c.reason))
    }

    @Test("the parser fails exactly where the validator does", arguments: invalid)
    func parserAgrees(_ c: Invalid) {
        let error = withRawBytes(c.bytes) { bytes in
            #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(bytes!) }
            do throws(JSONSyntaxError) {
                _ = try JSONValue.parse(bytes!)
                return nil as JSONSyntaxError?
            } catch {
                return error
            }
        }
        #expect(error == JSONSyntaxError(offset: c.offset, reason: c.reason))
    }

    @Test("the error reads as one line")
    func description() {
        #expect(
            JSONSyntaxError(offset: 7, reason: "expected ':'").description == "invalid JSON at byte 7: expected ':'")
    }

    @Test("512 levels of nesting pass, 513 do not")
    func depthLimit() {
        let arrays512 = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        #expect(withRawBytes(utf8(arrays512)) { JSONValidator.validate($0!) } == nil)

        let arrays513 = "[" + arrays512 + "]"
        #expect(
            withRawBytes(utf8(arrays513)) { JSONValidator.validate($0!) }
                == JSONSyntaxError(offset: 512, reason: "nesting deeper than 512 levels"))

        let objects513 = String(repeating: "{\"a\":", count: 513) + "1" + String(repeating: "}", count: 513)
        #expect(withRawBytes(utf8(objects513)) { JSONValidator.validate($0!) }?.offset == 512 * 5)
    }

    @Test("very deep input is rejected without exhausting the stack")
    func veryDeep() {
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 1_000_000)
        #expect(withRawBytes(deep) { JSONValidator.validate($0!) }?.reason == "nesting deeper than 512 levels")
        let error = deep.withUnsafeBytes { bytes -> JSONSyntaxError? in
            do throws(JSONSyntaxError) {
                _ = try JSONValue.parse(bytes)
                return nil
            } catch { return error }
        }
        #expect(error?.offset == 512)
    }

    @Test("the validator agrees with Swift's own UTF-8 decoder inside strings")
    func utf8AgreesWithStandardLibrary() {
        var generator = SplitMix64(seed: 0x4879_7068_6100)
        let interesting: [UInt8] = [
            0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf,
            0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff,
        ]
        for _ in 0..<20000 {
            let length = Int(generator.next() % 6)
            let content = (0..<length).map { _ in interesting[Int(generator.next() % UInt64(interesting.count))] }
            let wellFormed = String(validating: content, as: UTF8.self) != nil
            let json = [UInt8(ascii: "\"")] + content + [UInt8(ascii: "\"")]
            let accepted = withRawBytes(json) { JSONValidator.validate($0!) } == nil
            #expect(accepted == wellFormed, "\(content)")
        }
    }
}

/// A small deterministic generator, so the table-free tests repeat exactly.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
