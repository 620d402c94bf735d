// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

/// The string scanners skip eight plain bytes at a time; these put the byte that
/// matters at every position of a word and around word edges.
@Suite("String scanning at every position")
struct StringScanningTests {
    /// The compact escaping rules, written out one scalar at a time.
    private func referenceCompact(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{c}": out += "\\f"
            case "\u{0}"..<" ":
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static let specials: [String] = ["\u{0}", "\u{1}", "\t", "\n", "\u{1f}", "\"", "\\", "\u{7f}", "é", "😀", " ", "~"]

    @Test("escaping finds the byte wherever it is", arguments: specials)
    func escaping(special: String) {
        for length in [7, 8, 9, 16, 17, 24] {
            for position in 0..<length {
                let text =
                    String(repeating: "a", count: position) + special
                    + String(repeating: "b", count: length - position)
                let expected = referenceCompact(text)
                #expect(String(decoding: JSONValue.string(text).compactJSON(), as: UTF8.self) == expected)

                var line: [UInt8] = []
                withRawBytes(utf8("s:x"), utf8(text)) {
                    JSONLRecord.append(
                        to: &line, topic: "t", partition: 0, offset: 0, timestampMillis: nil, key: $0, value: $1)
                }
                #expect(String(decoding: line, as: UTF8.self).hasSuffix(",\"data\":\(expected)}\n"))
            }
        }
    }

    @Test(
        "validation finds a bad byte wherever it is",
        arguments: [
            ([UInt8(0x01)], "control character in string"),
            ([0x0a], "control character in string"),
            ([0xff], "invalid UTF-8 in string"),
            ([0xc3], "invalid UTF-8 in string"),
            ([0x5c, 0x61], "invalid escape"),
        ])
    func validation(bad: [UInt8], reason: String) {
        for length in [7, 8, 9, 16, 17, 24] {
            for position in 0..<length {
                let json =
                    [UInt8(ascii: "\"")] + [UInt8](repeating: 0x61, count: position) + bad
                    + [UInt8](repeating: 0x62, count: length - position) + [UInt8(ascii: "\"")]
                #expect(
                    withRawBytes(json) { JSONValidator.validate($0!) }
                        == JSONSyntaxError(offset: position + 1, reason: reason))
            }
        }
    }

    @Test(
        "validation passes good bytes wherever they are",
        arguments: ["é", "😀", "\u{7f}", "\\\"", "\\\\", "\\u0041", "\\n", "/", " "])
    func goodBytes(good: String) {
        for length in [7, 8, 9, 16, 17, 24] {
            for position in 0..<length {
                let json =
                    "\"" + String(repeating: "a", count: position) + good
                    + String(repeating: "b", count: length - position) + "\""
                #expect(withRawBytes(utf8(json)) { JSONValidator.validate($0!) } == nil)
            }
        }
    }

    @Test("a line break in a d: value is found wherever it is", arguments: ["\n", "\r", "\r\n"])
    func lineBreaks(lineBreak: String) {
        for position in 0..<24 {
            for (value, data) in [
                ("[" + String(repeating: " ", count: position) + lineBreak + "1]", "[1]"),
                (
                    "[" + String(repeating: " ", count: position) + "1]",
                    "[" + String(repeating: " ", count: position) + "1]"
                ),
            ] {
                var line: [UInt8] = []
                withRawBytes(utf8("d:x"), utf8(value)) {
                    JSONLRecord.append(
                        to: &line, topic: "t", partition: 0, offset: 0, timestampMillis: nil, key: $0, value: $1)
                }
                #expect(String(decoding: line, as: UTF8.self).hasSuffix(",\"data\":\(data)}\n"))
            }
        }
    }

    @Test("records with every byte escaped fit the room reserved for them")
    func worstCaseRecord() {
        let controls = [UInt8](repeating: 0x01, count: 300)
        let invalid = [UInt8](repeating: 0xff, count: 300)
        for (key, value) in [
            (utf8("s:") + controls, controls), (utf8("s:") + invalid, invalid), (controls, controls),
            (utf8("d:") + invalid, utf8("\"") + controls), (invalid, [UInt8]()), (utf8("b:") + controls, controls),
        ] {
            var out: [UInt8] = []
            withRawBytes(key, value) {
                JSONLRecord.append(
                    to: &out, topic: "health_check_\u{1}", partition: .min, offset: .min,
                    timestampMillis: .min, key: $0, value: $1)
            }
            #expect(out.last == 0x0a)
            #expect(
                out.withUnsafeBytes { JSONValidator.validate(UnsafeRawBufferPointer(rebasing: $0.dropLast())) } == nil)
        }
    }
}
