// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

@Suite("Event payloads")
struct EventPayloadTests {
    @Test("types follow the case")
    func types() {
        #expect(EventPayload.json(.object([])).type == .json)
        #expect(EventPayload.text("x").type == .text)
        #expect(EventPayload.bytes([1]).type == .bytes)
    }

    @Test("values are the bytes the Python server writes")
    func encodedValues() {
        // json.dumps({"msg": "héllo", "n": [1, 2]})
        #expect(
            EventPayload.json(.object([("msg", .string("héllo")), ("n", .array([.number("1"), .number("2")]))]))
                .encodedValue() == utf8(#"{"msg": "h\u00e9llo", "n": [1, 2]}"#))
        #expect(EventPayload.text("héllo").encodedValue() == [0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f])
        #expect(EventPayload.bytes([0, 0xff, 0x80]).encodedValue() == [0, 0xff, 0x80])
        #expect(EventPayload.text("").encodedValue() == [])
    }

    @Test(
        "with no type asked for, a JSON object is d: and anything else s:",
        arguments: [
            (#"{"a": 1}"#, PayloadType.json), (" \t\r\n{\"b\":2} \n", .json), ("{}", .json), ("[1,2]", .text),
            ("42", .text), ("\"x\"", .text), ("{not json", .text), (#"{"a":1} x"#, .text), ("plain", .text),
            ("", .text), ("naïve ✓", .text),
        ])
    func detected(_ value: String, _ type: PayloadType) {
        #expect(Array(value.utf8).withUnsafeBytes { PayloadType.detected(in: $0) } == type)
    }

    @Test("a JSON start is the first byte after JSON whitespace")
    func jsonStart() {
        func start(_ value: String) -> UInt8? { Array(value.utf8).withUnsafeBytes { PayloadType.jsonStart(of: $0) } }
        #expect(start(" \t\r\n[1,") == UInt8(ascii: "["))
        #expect(start("{") == UInt8(ascii: "{"))
        #expect(start("hello {") == UInt8(ascii: "h"))
        #expect(start(" \n") == nil)
    }
}
