// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaKafkaAdmin
import HyphaWire
import Testing

@Suite("emit --lines input")
struct EventLinesTests {
    @Test("lines are typed like DATA, empty lines skipped, CRLF cut, bytes kept as written")
    func typed() throws {
        let input = Array("{\"a\": 1}\r\n\nplain\n[1,2]\n  {\"b\":2}".utf8)
        let checked = try EventLines(input, as: nil)
        #expect(checked.lines.map(\.type) == [.json, .text, .text, .json])
        #expect(
            checked.lines.map { String(decoding: input[$0.range], as: UTF8.self) } == [
                #"{"a": 1}"#, "plain", "[1,2]", #"  {"b":2}"#,
            ])
    }

    @Test("the first bad line is named, and nothing is accepted")
    func bad() throws {
        do {
            _ = try EventLines(Array("{}\n\n{\n".utf8), as: .json)
            Issue.record("an invalid line was accepted")
        } catch {
            #expect(error.description.hasPrefix("line 3: not valid JSON"))
        }
        #expect(throws: PayloadInput.Invalid.self) { try EventLines([0x61, 0x0A, 0xC3, 0x28], as: nil) }
        let bytes = try EventLines([0xC3, 0x28], as: .bytes)
        #expect(bytes.lines.count == 1)
    }
}

@Suite("emit --lines input, large")
struct LargeEventLinesTests {
    /// More than a megabyte, so it is checked in pieces.
    private func input(lines count: Int, bad: Int? = nil) -> [UInt8] {
        var text = ""
        for number in 1...count {
            if number == bad {
                text += "{not json\n"
            } else if number % 7 == 0 {
                text += "\r\n"
            } else {
                text += "{\"n\": \(number), \"pad\": \"\(String(repeating: "x", count: number % 90))\"}\n"
            }
        }
        return Array(text.utf8)
    }

    @Test("every line is found once and in order, whatever piece it fell in")
    func pieces() throws {
        let bytes = input(lines: 30000)
        #expect(bytes.count > 1 << 20)
        let checked = try EventLines(bytes, as: .json)
        let expected = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
            .map { $0.last == 0x0D ? Array($0.dropLast()) : Array($0) }
            .filter { !$0.isEmpty }
        #expect(checked.lines.count == expected.count)
        #expect(checked.lines.map { Array(bytes[$0.range]) } == expected)
    }

    @Test("a bad line anywhere is named by its number in the whole input")
    func badLineNumber() {
        for bad in [1, 14_999, 15_001, 29_999] {
            do {
                _ = try EventLines(input(lines: 30000, bad: bad), as: .json)
                Issue.record("line \(bad) was accepted")
            } catch {
                #expect(error.description.hasPrefix("line \(bad): not valid JSON"))
            }
        }
    }
}

@Suite("emit input bytes")
struct InputBytesTests {
    @Test("a file is read whole (mapped), an empty one too, a missing one says why")
    func file() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "input-bytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let bytes: [UInt8] = Array("a\nb\n".utf8) + [0, 0xff]
        let full = directory.appendingPathComponent("full")
        let empty = directory.appendingPathComponent("empty")
        try Data(bytes).write(to: full)
        try Data().write(to: empty)
        #expect(try InputBytes.contents(ofFile: full.path).withUnsafeBytes { Array($0) } == bytes)
        #expect(try InputBytes.contents(ofFile: empty.path).count == 0)
        do {
            _ = try InputBytes.contents(ofFile: directory.appendingPathComponent("missing").path)
            Issue.record("a missing file was read")
        } catch {
            #expect(error.description.hasSuffix("missing: No such file or directory"))
        }
    }
}
