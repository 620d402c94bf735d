// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

@Suite("Event keys")
struct EventKeyTests {
    @Test(
        "encode writes <t>:<name>",
        arguments: [
            (PayloadType.json, "test", "d:test"),
            (PayloadType.text, "ws-1/client:msg", "s:ws-1/client:msg"),
            (PayloadType.bytes, "", "b:"),
            (PayloadType.json, "café", "d:café"),
        ])
    func encode(type: PayloadType, event: String, key: String) {
        #expect(EventKey.encode(type: type, event: event) == utf8(key))
    }

    @Test(
        "decode reads the prefix and the text after the first ':'",
        arguments: [
            ("d:test", PayloadType.json, "test"),
            ("s:test", PayloadType.text, "test"),
            ("b:test", PayloadType.bytes, "test"),
            ("d:", PayloadType.json, ""),
            ("s:ws-1/client:msg", PayloadType.text, "ws-1/client:msg"),
            ("b:a:b:c", PayloadType.bytes, "a:b:c"),
            ("d:事件", PayloadType.json, "事件"),
        ])
    func decodePrefixed(key: String, type: PayloadType, event: String) {
        let decoded = withRawBytes(utf8(key)) { EventKey.decode($0) }
        #expect(decoded?.type == type)
        #expect(decoded?.event == event)
    }

    @Test(
        "anything but a d:/s:/b: prefix decodes to nil",
        arguments: [
            "x:foo", "test", "d", "", ":d", "D:test", "health_check_1", "ds:x", " d:x",
        ])
    func decodeOther(key: String) {
        let decoded = withRawBytes(utf8(key)) { EventKey.decode($0) }
        #expect(decoded == nil)
    }

    @Test("no key decodes to nil")
    func decodeNoKey() {
        let decoded = EventKey.decode(nil)
        #expect(decoded == nil)
    }

    @Test("invalid UTF-8 in the name becomes U+FFFD")
    func decodeInvalidUTF8() {
        let decoded = withRawBytes([0x64, 0x3a, 0x66, 0xff, 0x6f]) { EventKey.decode($0) }
        #expect(decoded?.type == .json)
        #expect(decoded?.event == "f\u{FFFD}o")
    }

    @Test("encode then decode gives the name back", arguments: PayloadType.allCases)
    func roundTrip(type: PayloadType) {
        for name in ["test", "", "ws-1/*:msg", "😀:x"] {
            let decoded = withRawBytes(EventKey.encode(type: type, event: name)) { EventKey.decode($0) }
            #expect(decoded?.type == type)
            #expect(decoded?.event == name)
        }
    }

    @Test("the raw values are the key letters")
    func rawValues() {
        #expect(PayloadType.allCases.map(\.rawValue) == ["d", "s", "b"])
    }
}
