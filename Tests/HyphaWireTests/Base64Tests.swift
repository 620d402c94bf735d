// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaWire
import Testing

/// The package's one base64: what `tail` writes, `emit --jsonl` reads back, and
/// generated manifests use for a KRaft cluster id.
@Suite("base64")
struct Base64Tests {
    /// RFC 4648 §10.
    static let rfcVectors = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ]

    @Test("RFC 4648's test vectors, both ways", arguments: rfcVectors)
    func vectors(_ text: String, _ base64: String) {
        #expect(Base64.encode(Array(text.utf8)) == base64)
        #expect(Base64.decode(base64) == Array(text.utf8))
    }

    @Test("every byte value and length agrees with Foundation, both ways")
    func agreesWithFoundation() {
        var generator = SystemRandomNumberGenerator()
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) } + [0x00, 0xfb, 0xff]
            let foundation = Data(bytes).base64EncodedString()
            #expect(Base64.encode(bytes) == foundation)
            #expect(Base64.decode(foundation) == bytes)
        }
    }

    @Test(
        "text that is not padded standard base64 decodes to nil",
        arguments: ["Zg", "Zm9", "Zg=", "Z===", "====", "Zm 9v", "Zm9v\n", "Zm-v", "Zm_v", "Z=9v", "Zg==Zg=="])
    func refused(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test("the URL-safe form: - and _ for + and /, no padding")
    func urlSafe() {
        #expect(Base64.encode([0xfb, 0xff]) == "+/8=")
        #expect(Base64.encodeURLSafeUnpadded([0xfb, 0xff]) == "-_8")
        #expect(Base64.encodeURLSafeUnpadded(Array("foob".utf8)) == "Zm9vYg")
    }
}
