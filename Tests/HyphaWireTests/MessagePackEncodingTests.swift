// SPDX-License-Identifier: Apache-2.0
import HyphaWire
import Testing

/// Expected bytes are what Python's `msgpack.packb` (msgpack 1.1) writes for the
/// same value, shown beside each.
@Suite("msgpack written as Python's msgpack writes it")
struct MessagePackEncodingTests {
    @Test(
        "integers in their shortest form: positive ones as uint, negative ones as int",
        arguments: [
            (0, "00"), (127, "7f"), (128, "cc80"), (255, "ccff"), (256, "cd0100"), (65_535, "cdffff"),
            (65_536, "ce00010000"), (4_294_967_296, "cf0000000100000000"), (-1, "ff"), (-32, "e0"),
            (-33, "d0df"), (-128, "d080"), (-129, "d1ff7f"), (-32_769, "d2ffff7fff"),
            (-2_147_483_649, "d3ffffffff7fffffff"),
        ] as [(Int64, String)])
    func integers(_ number: Int64, _ expected: String) {
        #expect(hex(MessagePack.encode(.int(number))) == expected)
        #expect(MessagePack.decode(bytes(expected)) == .int(number))
    }

    @Test("integers above Int64.max are uint 64, and read back as .uint")
    func bigUnsigned() {
        // packb(2**63 + 1)
        #expect(hex(MessagePack.encode(.uint(9_223_372_036_854_775_809))) == "cf8000000000000001")
        #expect(MessagePack.decode(bytes("cf8000000000000001")) == .uint(9_223_372_036_854_775_809))
        #expect(MessagePack.decode(bytes("cf0000000000000005")) == .int(5))
        #expect(MessagePackValue.uint(5) == .int(5))
    }

    @Test("strings, bytes, arrays and maps by length")
    func lengths() {
        #expect(hex(MessagePack.encode("")) == "a0")
        #expect(hex(MessagePack.encode(.string(String(repeating: "x", count: 31)))).hasPrefix("bf78"))
        #expect(hex(MessagePack.encode(.string(String(repeating: "x", count: 32)))).hasPrefix("d92078"))
        #expect(hex(MessagePack.encode(.string(String(repeating: "x", count: 256)))).hasPrefix("da010078"))
        #expect(hex(MessagePack.encode(.string(String(repeating: "x", count: 65_536)))).hasPrefix("db0001000078"))
        #expect(hex(MessagePack.encode(.binary([]))) == "c400")
        #expect(hex(MessagePack.encode(.binary([UInt8](repeating: 1, count: 256)))).hasPrefix("c5010001"))
        #expect(hex(MessagePack.encode(.array(Array(repeating: .nil, count: 15)))).hasPrefix("9fc0"))
        #expect(hex(MessagePack.encode(.array(Array(repeating: .nil, count: 16)))).hasPrefix("dc0010c0"))
        #expect(hex(MessagePack.encode(.array(Array(repeating: .nil, count: 65_536)))).hasPrefix("dd00010000c0"))
        let entries = (0..<16).map { (key: MessagePackValue.int($0), value: MessagePackValue.nil) }
        #expect(hex(MessagePack.encode(.map(Array(entries.prefix(15))))).hasPrefix("8f00c0"))
        #expect(hex(MessagePack.encode(.map(entries))).hasPrefix("de001000c0"))
    }

    @Test("scalars, floats and ext values")
    func scalars() {
        #expect(hex(MessagePack.encode(.nil)) == "c0")
        #expect(hex(MessagePack.encode(true)) == "c3")
        #expect(hex(MessagePack.encode(false)) == "c2")
        #expect(hex(MessagePack.encode(.double(1.5))) == "cb3ff8000000000000")
        #expect(hex(MessagePack.encode(.float(1.5))) == "ca3fc00000")
        // packb(ExtType(5, b"abc")), ExtType(3, b""), the fixext sizes
        #expect(hex(MessagePack.encode(.ext(type: 5, data: Array("abc".utf8)))) == "c70305616263")
        #expect(hex(MessagePack.encode(.ext(type: 3, data: []))) == "c70003")
        #expect(hex(MessagePack.encode(.ext(type: -1, data: [1, 2, 3, 4]))) == "d6ff01020304")
        for (count, marker) in [(1, "d4"), (2, "d5"), (8, "d7"), (16, "d8"), (17, "c711")] {
            #expect(hex(MessagePack.encode(.ext(type: 0, data: Array(repeating: 0, count: count)))).hasPrefix(marker))
        }
    }

    @Test("what decode reads, encode writes back: every family, nested")
    func roundTrip() {
        let value: MessagePackValue = [
            "s": "grüß ✓", "b": .binary([0, 0xff]), "n": [1, -1, .uint(18_446_744_073_709_551_615), .double(-0.5)],
            "m": ["deep": [["x": .nil]]], "e": .ext(type: 7, data: [9]), "f": .float(0.25), "t": true,
        ]
        let encoded = MessagePack.encode(value)
        #expect(MessagePack.decode(encoded) == value)
        #expect(MessagePack.encode(MessagePack.decode(encoded)!) == encoded)
    }

    @Test("decodeFirst reads one value and says where the rest starts")
    func first() throws {
        let first = try #require(MessagePack.decodeFirst(bytes("81a2746fa3626f62" + "c0ff")))
        #expect(first == MessagePack.FirstValue(value: ["to": "bob"], count: 8))
        #expect(MessagePack.decodeFirst(bytes("81a2746fa3626f")) == nil)
        #expect(MessagePack.decodeFirst([]) == nil)
    }

    @Test("string keys look up by their bytes; the last of a duplicate wins")
    func subscripts() {
        let map: MessagePackValue = .map([("k", 1), (.binary(Array("k".utf8)), 2), ("k", 3), ("caf\u{e9}", 4)])
        #expect(map["k"] == 3)
        #expect(map["caf\u{e9}"] == 4)
        #expect(map["cafe\u{301}"] == nil) // canonically equal in Swift, a different key in Python
        #expect(MessagePackValue.array([])["k"] == nil)
    }
}

/// Lowercase hex of `bytes`.
func hex(_ bytes: [UInt8]) -> String {
    bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}

/// The bytes of a hex string (spaces ignored).
func bytes(_ hex: String) -> [UInt8] {
    let digits = Array(hex.filter { !$0.isWhitespace })
    return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(digits[$0...$0 + 1]), radix: 16)! }
}
