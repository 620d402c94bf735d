// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

@Suite("msgpack as JSON")
struct MessagePackTests {
    private func json(_ bytes: [UInt8]) -> String? {
        MessagePack.json(bytes).map { String(decoding: $0.compactJSON(), as: UTF8.self) }
    }

    @Test("scalars, strings, arrays and maps")
    func values() {
        #expect(json([0xC0]) == "null")
        #expect(json([0xC3]) == "true")
        #expect(json([0x05]) == "5")
        #expect(json([0xFF]) == "-1")
        #expect(json([0xCC, 0xC8]) == "200")
        #expect(json([0xD1, 0xFF, 0x38]) == "-200")
        #expect(json([0xCF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) == "18446744073709551615")
        #expect(json([0xCB, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0]) == "1.5")
        #expect(json([0xA3] + Array("abc".utf8)) == #""abc""#)
        #expect(json([0x92, 0x01, 0xA1, 0x78]) == #"[1,"x"]"#)
        #expect(json([0x81, 0xA1, 0x6B, 0x90]) == #"{"k":[]}"#)
        #expect(json([0xC4, 0x02, 0x00, 0xFF]) == #""AP8=""#)
        #expect(json([0xD4, 0x01, 0x7F]) == #"{"$ext":1,"data":"fw=="}"#)
    }

    @Test(
        "what is not exactly one msgpack value is refused",
        arguments: [
            [UInt8](), [0xC1], [0x92, 0x01], [0x01, 0x02], [0xA3, 0x61], [0xA2, 0xC3, 0x28],
            [0xDD, 0xFF, 0xFF, 0xFF, 0xFF],
        ])
    func refused(_ bytes: [UInt8]) {
        #expect(MessagePack.json(bytes) == nil)
    }

    @Test("deep nesting is refused without exhausting the stack")
    func deep() {
        #expect(MessagePack.json(Array(repeating: 0x91, count: 100_000) + [0x01]) == nil)
    }

    @Test(
        "a map key that is an array or a map is refused",
        arguments: [
            [0x81, 0x80, 0xC0], [0x81, 0x91, 0x01, 0xC0], [0x81, 0xDC, 0x00, 0x00, 0xC0],
            [0x81, 0xDE, 0x00, 0x00, 0xC0],
        ] as [[UInt8]])
    func containerKeys(_ bytes: [UInt8]) {
        #expect(MessagePack.json(bytes) == nil)
    }

    @Test("keys that are not strings but not containers are named by their JSON")
    func scalarKeys() {
        #expect(json([0x82, 0x01, 0xC3, 0xC0, 0x02]) == #"{"1":true,"null":2}"#)
        #expect(json([0x81, 0xD4, 0x01, 0x7F, 0xC0]) == #"{"{\"$ext\":1,\"data\":\"fw==\"}":null}"#)
    }

    /// Found by fuzzing: a key's JSON text holds its own keys' text escaped, so
    /// keys nested in keys doubled the output per level (81 bytes asked for 2^40).
    @Test("keys nested in keys are refused")
    func nestedKeys() {
        let bytes = [UInt8](repeating: 0x81, count: 12) + [0x80] + [UInt8](repeating: 0xC0, count: 12)
        #expect(MessagePack.json(bytes) == nil)
    }
}
