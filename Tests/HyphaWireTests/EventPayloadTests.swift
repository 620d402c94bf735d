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
}
