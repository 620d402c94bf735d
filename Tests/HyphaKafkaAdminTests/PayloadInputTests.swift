// SPDX-License-Identifier: Apache-2.0
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import Testing

@Suite("how emit's input becomes payloads")
struct PayloadInputTests {
    @Test("with no type flag, a JSON object is d: and anything else s:")
    func inferred() throws {
        #expect(try PayloadInput.payload(Array(#" {"a": 1} "#.utf8), as: nil).type == .json)
        #expect(try PayloadInput.payload(Array("[1, 2]".utf8), as: nil) == .text("[1, 2]"))
        #expect(try PayloadInput.payload(Array("42".utf8), as: nil) == .text("42"))
        #expect(try PayloadInput.payload(Array("{not json".utf8), as: nil) == .text("{not json"))
        #expect(try PayloadInput.payload([], as: nil) == .text(""))
    }

    @Test("forced types")
    func forced() throws {
        #expect(try PayloadInput.payload(Array("[1]".utf8), as: .json).type == .json)
        #expect(try PayloadInput.payload(Array(#"{"a":1}"#.utf8), as: .text) == .text(#"{"a":1}"#))
        #expect(try PayloadInput.payload([0, 0xFF], as: .bytes) == .bytes([0, 0xFF]))
    }

    @Test("input that is not valid for its type is refused with the reason")
    func invalid() {
        #expect(throws: PayloadInput.Invalid.self) { try PayloadInput.payload(Array("{".utf8), as: .json) }
        #expect(throws: PayloadInput.Invalid.self) { try PayloadInput.payload([0xC3, 0x28], as: .text) }
        #expect(throws: PayloadInput.Invalid.self) { try PayloadInput.payload([0xFF], as: nil) }
        do {
            _ = try PayloadInput.payload(Array("{\"a\" 1}".utf8), as: .json)
        } catch {
            #expect(error.description.hasPrefix("not valid JSON"))
        }
    }

    @Test("one trailing newline is not part of a single event, except for bytes")
    func single() {
        #expect(PayloadInput.single(Array("hi\n".utf8), as: nil) == Array("hi".utf8))
        #expect(PayloadInput.single(Array("hi\r\n".utf8), as: .text) == Array("hi".utf8))
        #expect(PayloadInput.single(Array("hi\n\n".utf8), as: nil) == Array("hi\n".utf8))
        #expect(PayloadInput.single([1, 0x0A], as: .bytes) == [1, 0x0A])
    }
}
