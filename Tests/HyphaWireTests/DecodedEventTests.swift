// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

@Suite("Decoding messages")
struct DecodedEventTests {
    private func decode(topic: String = "hypha_event_test", key: String?, value: [UInt8]?) -> DecodedEvent {
        withRawBytes(key.map(utf8), value) { DecodedEvent.decode(topic: topic, key: $0, value: $1) }
    }

    @Test("d: with a JSON object")
    func jsonObject() {
        let event = decode(key: "d:test", value: utf8(#"{"a": 1}"#))
        #expect(event.event == "test")
        #expect(event.type == .json)
        #expect(event.data == .json(.object([("a", .number("1"))])))
    }

    @Test(
        "d: accepts any JSON value",
        arguments: [
            ("[1, 2]", JSONValue.array([.number("1"), .number("2")])),
            ("\"just text\"", .string("just text")),
            ("3.14", .number("3.14")),
            ("null", .null),
            ("\n {} \n", .object([])),
        ])
    func anyJSON(text: String, value: JSONValue) {
        #expect(decode(key: "d:test", value: utf8(text)).data == .json(value))
    }

    @Test("bad JSON under d: is invalid, with the raw bytes kept")
    func badJSON() {
        let raw = utf8(#"{"a" 1}"#)
        #expect(
            decode(key: "d:test", value: raw).data
                == .invalid(reason: "invalid JSON at byte 5: expected ':'", raw: raw))
        #expect(
            decode(key: "d:test", value: []).data
                == .invalid(reason: "invalid JSON at byte 0: unexpected end of input", raw: []))
    }

    @Test("s: is UTF-8 text; bad UTF-8 is invalid")
    func text() {
        #expect(decode(key: "s:test", value: utf8("héllo\n")).data == .text("héllo\n"))
        #expect(decode(key: "s:test", value: []).data == .text(""))
        let raw: [UInt8] = [0x63, 0x61, 0x66, 0xe9]
        #expect(decode(key: "s:test", value: raw).data == .invalid(reason: "invalid UTF-8 at byte 3", raw: raw))
    }

    @Test("b: keeps any bytes, even ones that are not UTF-8")
    func bytes() {
        let raw: [UInt8] = [0x00, 0xff, 0xfe, 0x80, 0x93]
        let event = decode(key: "b:ws-1/client:msg", value: raw)
        #expect(event.event == "ws-1/client:msg")
        #expect(event.type == .bytes)
        #expect(event.data == .bytes(raw))
    }

    @Test("a null value is .none whatever the key", arguments: ["d:test", "s:test", "b:test", "other"])
    func nullValue(key: String) {
        #expect(decode(key: key, value: nil).data == .none)
    }

    @Test("no key: the name from the topic, the value read as text")
    func noKey() {
        let event = decode(key: nil, value: utf8("hi"))
        #expect(event.event == "test")
        #expect(event.type == nil)
        #expect(event.data == .text("hi"))
        let bad = decode(key: nil, value: [0xff])
        #expect(bad.data == .invalid(reason: "invalid UTF-8 at byte 0", raw: [0xff]))
    }

    @Test("an unknown prefix is read like no prefix, even when the value is JSON")
    func unknownPrefix() {
        let event = decode(topic: "hypha_event_foo", key: "x:bar", value: utf8("{}"))
        #expect(event.event == "foo")
        #expect(event.type == nil)
        #expect(event.data == .text("{}"))
    }

    @Test("the key names the event on a mapped topic")
    func mappedTopic() {
        let topic = HyphaTopic.forEvent("ws-1/*:msg")
        let event = decode(topic: topic, key: "b:ws-1/*:msg", value: [1])
        #expect(event.event == "ws-1/*:msg")
        // Without a prefixed key only the mapped text is left.
        #expect(decode(topic: topic, key: nil, value: [0x31]).event == "ws-1___msg.fd33ef20d574997f")
    }

    @Test("the empty name from a d: key wins over the topic")
    func emptyNameInKey() {
        #expect(decode(key: "d:", value: utf8("1")).event == "")
    }

    @Test("a health-check message: topic outside the prefix is the whole name")
    func healthCheck() {
        let event = decode(topic: "health_check_server-1", key: "health_check_server-1", value: utf8("1764236400.123"))
        #expect(event.event == "health_check_server-1")
        #expect(event.type == nil)
        #expect(event.data == .text("1764236400.123"))
    }

    @Test("a key with invalid UTF-8 still names the event, with U+FFFD")
    func invalidKey() {
        let event = withRawBytes([0x73, 0x3a, 0x61, 0xff], utf8("v")) {
            DecodedEvent.decode(topic: "hypha_event_x", key: $0, value: $1)
        }
        #expect(event.event == "a\u{FFFD}")
        #expect(event.type == .text)
        #expect(event.data == .text("v"))
    }

    @Test("the value is copied, so it outlives the buffer")
    func copies() {
        var raw: [UInt8] = [1, 2, 3]
        let event = withRawBytes(utf8("b:x"), raw) { DecodedEvent.decode(topic: "t", key: $0, value: $1) }
        raw[0] = 9
        #expect(event.data == .bytes([1, 2, 3]))
    }
}
