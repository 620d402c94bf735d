// SPDX-License-Identifier: Apache-2.0
import Foundation
import TestSupport
import Testing

/// Messages no Hypha server would send, read back in every tail format: each
/// is shown, none is dropped, the stream goes on, and nothing reaches a
/// terminal raw.
@Suite("tail on hostile messages")
struct HostileMessageTests {
    private static let fiveMegabytes = 5 * 1024 * 1024
    private static let ansiValue = "red \u{1b}[31mRED\u{1b}[0m bell\u{07} cr\r nl\n tab\t del\u{7f} c1\u{9b}2J end"
    private static let ansiKey = "s:\u{1b}[2Jevil\u{1b}]0;title\u{07}"

    /// Produces the hostile messages, in this order, to partition 0 of a fresh topic.
    private static func produceHostile(_ event: String) throws -> [(key: [UInt8]?, value: [UInt8]?)] {
        let messages: [(key: [UInt8]?, value: [UInt8]?)] = [
            (Array("s:\(event)".utf8), [0xC3, 0x28]), // invalid UTF-8 under s:
            (Array("d:\(event)".utf8), Array("{nope".utf8)), // invalid JSON under d:
            (Array("d:".utf8), Array(#"{"a":1}"#.utf8)), // d: with no name
            (nil, Array("hi".utf8)), // no key
            (Array("x:thing".utf8), Array("v".utf8)), // an unknown prefix
            (Array("d:\(event)".utf8), nil), // a null value
            (Array("s:\(event)".utf8), Array(repeating: UInt8(ascii: "a"), count: fiveMegabytes)),
            (Array("s:\(event)".utf8), Array(ansiValue.utf8)), // control characters, ANSI escapes
            (Array(ansiKey.utf8), Array("x".utf8)), // ... in a key
            ([0x73, 0x3a, 0xff, 0xfe], Array("y".utf8)), // a key that is not UTF-8
            (Array("s:\(event)".utf8), Array("last".utf8)), // and the stream goes on
        ]
        let lines = messages.map { message -> String in
            var record: [String: Any] = [
                "partition": 0, "value": message.value.map { Data($0).base64EncodedString() } ?? NSNull(),
            ]
            if let key = message.key {
                record["key_base64"] = Data(key).base64EncodedString()
            } else {
                record["key"] = NSNull()
            }
            return String(decoding: try! JSONSerialization.data(withJSONObject: record), as: UTF8.self)
        }
        let produced = try PythonPeer.run(
            ["raw", "--topic", "hypha_event_\(event)"], stdin: Data((lines.joined(separator: "\n") + "\n").utf8),
            timeout: 120)
        try #require(produced.status == 0, "\(produced.stderr)")
        return messages
    }

    @Test("jsonl: one valid record per message, each saying what it holds or why it does not decode")
    func jsonl() throws {
        let event = TestEnvironment.uniqueEvent()
        let messages = try Self.produceHostile(event)
        let tail = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "jsonl"], timeout: 120)
        let records = try tail.jsonLines()
        try #require(records.count == messages.count, "\(records.count) records for \(messages.count) messages")
        #expect(records.map { $0["offset"] as? Int } == Array(0..<messages.count))
        #expect(records[0]["error"] as? String != nil && records[0]["raw"] as? String == "wyg=")
        #expect(
            records[1]["error"] as? String != nil
                && records[1]["raw"] as? String == Data("{nope".utf8).base64EncodedString())
        #expect(records[2]["type"] as? String == "d" && records[2]["event"] as? String == "")
        #expect((records[2]["data"] as? [String: Any])?["a"] as? Int == 1)
        #expect(records[3]["key"] is NSNull && records[3]["data"] as? String == "hi")
        #expect(
            records[4]["key"] as? String == "x:thing" && records[4]["type"] is NSNull
                && records[4]["data"] as? String == "v")
        #expect(records[5]["data"] is NSNull && records[5]["error"] == nil)
        #expect((records[6]["data"] as? String)?.utf8.count == Self.fiveMegabytes)
        #expect(records[7]["data"] as? String == Self.ansiValue)
        #expect(records[8]["key"] as? String == Self.ansiKey && records[8]["data"] as? String == "x")
        #expect(records[9]["key"] as? String == "s:\u{FFFD}\u{FFFD}" && records[9]["data"] as? String == "y")
        #expect(records[10]["data"] as? String == "last")
    }

    @Test("raw: every value's bytes and a newline, in order")
    func raw() throws {
        let event = TestEnvironment.uniqueEvent()
        let messages = try Self.produceHostile(event)
        let tail = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "raw"], timeout: 120)
        let expected = messages.reduce(into: Data()) { out, message in
            out.append(contentsOf: message.value ?? [])
            out.append(0x0A)
        }
        #expect(tail.stdout.count == expected.count)
        #expect(tail.stdout == expected)
    }

    @Test("pretty: one line per message, and no control character of the bus reaches the terminal")
    func pretty() throws {
        let event = TestEnvironment.uniqueEvent()
        let messages = try Self.produceHostile(event)
        let tail = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "pretty"], timeout: 120)
        let bytes = [UInt8](tail.stdout)
        // --no-color: not even the tool's own colour codes, so any ESC would be the bus's.
        let controls = bytes.enumerated().filter { $0.element < 0x20 && $0.element != 0x0A || $0.element == 0x7F }
        #expect(
            controls.isEmpty,
            "control bytes at \(controls.prefix(5).map(\.offset)): \(controls.prefix(5).map(\.element))")
        // C1 controls (U+0080…U+009F, e.g. CSI U+009B) act on some terminals too.
        #expect(!tail.output.unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
        let lines = tail.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        try #require(lines.count == messages.count, "\(lines.count) lines for \(messages.count) messages")
        #expect(lines[0].contains("0@0") && lines[0].contains("!"))
        #expect(lines[6].utf8.count > Self.fiveMegabytes)
        #expect(lines[7].contains(#"\x1b[31mRED"#) && lines[7].contains(#"\x07"#) && lines[7].contains(#"\x0a"#))
        #expect(lines[8].contains(#"\x1b[2Jevil"#))
        #expect(lines[10].contains("last"))
    }
}
