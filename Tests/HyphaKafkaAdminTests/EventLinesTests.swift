// SPDX-License-Identifier: Apache-2.0
import Foundation
import HyphaEventBus
import HyphaWire
import Testing

@testable import HyphaKafkaAdmin

/// What a reader handed over: each line's number and bytes, or its number and length when too long.
private enum Read: Equatable {
    case text(Int, [UInt8])
    case tooLong(Int, Int)
}

/// Every line of `source`, read `chunkSize` bytes at a time.
private func readAll(
    _ source: InputSource, chunkSize: Int, limit: Int = 1 << 20, reader: LineReader? = nil
) throws -> [Read] {
    let reader = reader ?? LineReader(source, maximumLineLength: limit, chunkSize: chunkSize)
    var lines: [Read] = []
    while try reader.readLines({ line in
        switch line {
        case .text(let number, let bytes): lines.append(.text(number, Array(bytes)))
        case .tooLong(let number, let length): lines.append(.tooLong(number, length))
        }
        return true
    }) {}
    return lines
}

/// The lines of `bytes` as `emit --lines` has always split them: `\n` or `\r\n`
/// ends a line, the end of input too; empty lines skipped but numbered.
private func expectedLines(_ bytes: [UInt8]) -> [Read] {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    if bytes.last == 0x0A { lines.removeLast() }
    return lines.enumerated().compactMap { index, line in
        let cut = line.last == 0x0D ? Array(line.dropLast()) : line
        return cut.isEmpty ? nil : .text(index + 1, cut)
    }
}

@Suite("emit --lines: reading lines a chunk at a time")
struct LineReaderTests {
    private let sample = Array("{\"a\": 1}\r\n\nplain\n[1,2]\n\r\n  {\"b\":2}\nmid\rdle\nlast\r".utf8)

    @Test(
        "every chunk size gives the same lines: split across chunks, CRLF cut, empty lines numbered, last line unended")
    func chunkBoundaries() throws {
        let expected = expectedLines(sample)
        #expect(
            expected.map { if case .text(_, let bytes) = $0 { String(decoding: bytes, as: UTF8.self) } else { "" } }
                == [
                    #"{"a": 1}"#, "plain", "[1,2]", #"  {"b":2}"#, "mid\rdle", "last",
                ])
        #expect(expected.first == .text(1, Array(#"{"a": 1}"#.utf8)))
        #expect(expected.last == .text(8, Array("last".utf8)))
        for chunkSize in 1...(sample.count + 1) {
            #expect(try readAll(InputSource(bytes: sample), chunkSize: chunkSize) == expected, "chunk \(chunkSize)")
        }
    }

    @Test("empty input, only newlines, one line with or without its newline")
    func edges() throws {
        for chunkSize in [1, 3, 1 << 16] {
            #expect(try readAll(InputSource(bytes: []), chunkSize: chunkSize).isEmpty)
            #expect(try readAll(InputSource(bytes: Array("\n\r\n\n".utf8)), chunkSize: chunkSize).isEmpty)
            #expect(try readAll(InputSource(bytes: Array("x".utf8)), chunkSize: chunkSize) == [.text(1, [0x78])])
            #expect(try readAll(InputSource(bytes: Array("x\n".utf8)), chunkSize: chunkSize) == [.text(1, [0x78])])
            #expect(try readAll(InputSource(bytes: Array("\nx".utf8)), chunkSize: chunkSize) == [.text(2, [0x78])])
        }
    }

    @Test("a line over the limit is handed over as too long, without its bytes, and the next lines still come")
    func overLimit() throws {
        let long = [UInt8](repeating: 0x78, count: 100)
        let input = Array("ok\n".utf8) + long + Array("\r\nafter\n".utf8) + long
        for chunkSize in [1, 7, 64, 1 << 16] {
            let reader = LineReader(InputSource(bytes: input), maximumLineLength: 10, chunkSize: chunkSize)
            let lines = try readAll(InputSource(bytes: input), chunkSize: chunkSize, reader: reader)
            #expect(lines.count == 4, "chunk \(chunkSize)")
            #expect(lines.first == .text(1, Array("ok".utf8)))
            #expect(lines[1] == .tooLong(2, 100), "its `\\r` cut")
            #expect(lines[2] == .text(3, Array("after".utf8)))
            #expect(lines[3] == .tooLong(4, 100), "the last line, unended")
            #expect(reader.capacity <= 2 * (chunkSize + 10 + 1), "chunk \(chunkSize): \(reader.capacity)")
        }
        // Exactly at the limit, with or without CRLF: a line.
        let exact = [UInt8](repeating: 0x79, count: 10)
        #expect(
            try readAll(InputSource(bytes: exact + [0x0D, 0x0A] + exact), chunkSize: 4, limit: 10) == [
                .text(1, exact), .text(2, exact),
            ])
    }

    @Test("the buffer stays bounded by the chunk and the longest line, whatever the input's length")
    func boundedBuffer() throws {
        var input: [UInt8] = []
        var longest = 0
        for number in 0..<200_000 {
            let line = Array("{\"n\": \(number), \"pad\": \"\(String(repeating: "x", count: number % 300))\"}\n".utf8)
            longest = max(longest, line.count)
            input += line
        }
        #expect(input.count > 30 << 20)
        let chunkSize = 4096
        let reader = LineReader(InputSource(bytes: input), maximumLineLength: 1 << 20, chunkSize: chunkSize)
        var count = 0
        var largest = 0
        while try reader.readLines({ _ in
            count += 1
            return true
        }) {
            largest = max(largest, reader.capacity)
        }
        #expect(count == 200_000)
        #expect(largest <= 2 * (chunkSize + longest + 1), "the buffer grew to \(largest) bytes")
    }

    @Test("from a pipe, each line is handed over as soon as it is written, before the pipe ends")
    func pipe() throws {
        var ends: [Int32] = [0, 0]
        #expect(SwiftGlibc.pipe(&ends) == 0)
        let writer = FileHandle(fileDescriptor: ends[1], closeOnDealloc: true)
        let source = InputSource(descriptor: ends[0], owned: true, name: "pipe")
        #expect(!source.isSeekable)
        #expect(!source.awaitInput(timeoutMilliseconds: 10), "nothing written yet")
        let reader = LineReader(source, maximumLineLength: 100, chunkSize: 1 << 16)
        func next() throws -> [Read] {
            var lines: [Read] = []
            _ = try reader.readLines { line in
                if case .text(let number, let bytes) = line { lines.append(.text(number, Array(bytes))) }
                return true
            }
            return lines
        }
        writer.write(Data("one\ntw".utf8))
        #expect(source.awaitInput(timeoutMilliseconds: 1000))
        #expect(try next() == [.text(1, Array("one".utf8))])
        writer.write(Data("o\n\nthree".utf8))
        #expect(try next() == [.text(2, Array("two".utf8))])
        try writer.close()
        #expect(try next() == [.text(4, Array("three".utf8))])
        #expect(reader.atEnd)
    }

    @Test("a file is read from where its descriptor stood, and again from there after restart")
    func restart() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("skip\na\nb\n".utf8).write(to: URL(fileURLWithPath: path))
        let descriptor = open(path, O_RDONLY)
        try #require(descriptor >= 0)
        #expect(lseek(descriptor, 5, SEEK_SET) == 5)
        let source = InputSource(descriptor: descriptor, owned: true, name: path)
        #expect(source.isSeekable)
        let reader = LineReader(source, maximumLineLength: 100, chunkSize: 3)
        let first = try readAll(source, chunkSize: 3, reader: reader)
        #expect(first == [.text(1, [0x61]), .text(2, [0x62])])
        reader.restart()
        #expect(try readAll(source, chunkSize: 3, reader: reader) == first)
    }

    @Test("a line refused by the caller stops the reading")
    func stop() throws {
        let reader = LineReader(InputSource(bytes: Array("a\nb\nc\n".utf8)), maximumLineLength: 10)
        var seen = 0
        let more = try reader.readLines { _ in
            seen += 1
            return seen < 2
        }
        #expect(!more && seen == 2 && reader.atEnd)
    }
}

@Suite("emit --lines: what a line is")
struct LineFormatTests {
    private func parse(_ line: String, as type: PayloadType?) -> Result<PayloadType, PayloadInput.Invalid> {
        Array(line.utf8).withUnsafeBytes { bytes in
            LineFormat.values(event: "e", type: type).parse(bytes).map {
                if case .value(let type) = $0 { type } else { .bytes }
            }
        }
    }

    @Test("lines are typed like DATA: a JSON object is d:, anything else s:; forced types win")
    func typed() throws {
        #expect(try parse(#"{"a": 1}"#, as: nil).get() == .json)
        #expect(try parse(#"  {"b":2}"#, as: nil).get() == .json)
        #expect(try parse("plain", as: nil).get() == .text)
        #expect(try parse("[1,2]", as: nil).get() == .text)
        #expect(try parse("{not json", as: nil).get() == .text)
        #expect(try parse("[1,2]", as: .json).get() == .json)
        #expect(try parse(#"{"a":1}"#, as: .text).get() == .text)
        #expect(try parse("naïve ✓", as: .text).get() == .text)
    }

    @Test("a line not valid for its type says why")
    func invalid() {
        #expect(throws: PayloadInput.Invalid.self) { try parse("{bad", as: .json).get() }
        let notText = [UInt8]([0xC3, 0x28]).withUnsafeBytes { LineFormat.values(event: "e", type: nil).parse($0) }
        guard case .failure(let reason) = notText else {
            Issue.record("bad UTF-8 accepted")
            return
        }
        #expect(reason.description.hasPrefix("not UTF-8 text"))
        let bytes = [UInt8]([0xC3, 0x28]).withUnsafeBytes { LineFormat.values(event: "e", type: .bytes).parse($0) }
        guard case .success(.value(.bytes)) = bytes else {
            Issue.record("--binary refused bytes")
            return
        }
    }

    @Test("--jsonl: a record becomes its event; anything else is refused")
    func records() {
        let record = Array(#"{"event":"x","type":"s","data":"hi"}"#.utf8).withUnsafeBytes {
            LineFormat.records.parse($0)
        }
        guard case .success(.event(let event)) = record else {
            Issue.record("\(record)")
            return
        }
        #expect(event == OutgoingEvent(name: "x", payload: .text("hi")))
        let bad = Array("{nope".utf8).withUnsafeBytes { LineFormat.records.parse($0) }
        guard case .failure(let reason) = bad else {
            Issue.record("a bad record was accepted")
            return
        }
        #expect(reason.description.hasPrefix("not a JSON record"))
    }

    @Test("--check-first names the first bad line and sends nothing; a line too long to send is not bad")
    func checkFirst() async throws {
        // No broker: checking reads the input only.
        let producer = try EventProducer(
            settings: KafkaClientSettings(
                bootstrapServers: "127.0.0.1:1",
                properties: [
                    KafkaProperty(name: "message.max.bytes", value: "1000"),
                    KafkaProperty(name: "log_level", value: "0"),
                ]))
        let good = Array(("{}\n\n" + String(repeating: "x", count: 5000) + "\n{\"a\":1}").utf8)
        #expect(try await producer.check(lines: InputSource(bytes: good), as: .values(event: "e", type: .json)) == nil)
        let bad = Array("{}\n\n{\n{}".utf8)
        let problem = try await producer.check(lines: InputSource(bytes: bad), as: .values(event: "e", type: .json))
        #expect(problem?.hasPrefix("line 3: not valid JSON") == true, "\(problem ?? "nil")")
    }
}

@Suite("emit input")
struct InputSourceTests {
    @Test("a file is read whole, an empty one too, a missing one says why")
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
        #expect(try EmitInput.file(full.path).open().readAll() == bytes)
        #expect(try EmitInput.file(empty.path).open().readAll().isEmpty)
        #expect(try EmitInput.data(bytes).open().readAll() == bytes)
        do {
            _ = try EmitInput.file(directory.appendingPathComponent("missing").path).open()
            Issue.record("a missing file was opened")
        } catch {
            #expect(error.description.hasSuffix("missing: No such file or directory"))
        }
    }
}

@Suite("emit's outcome when the reachability check gets no answer")
struct EmitReachabilityTests {
    private let noAnswer = KafkaFailure(.unreachable, "no broker answered within 10 s")

    private func report(delivered: Int, of total: Int) -> EmitReport {
        EmitReport(
            sent: total, total: total, delivered: [], deliveredCount: delivered,
            firstError: delivered < total ? "Local: Message timed out" : nil)
    }

    @Test("nothing acknowledged: no broker answered")
    func nothingDelivered() {
        #expect(throws: KafkaFailure.self) { try report(delivered: 0, of: 5).unlessUnreachable(noAnswer) }
    }

    @Test("some acknowledged before the brokers went: the counts, not \"no answer\"")
    func someDelivered() throws {
        let outcome = try report(delivered: 3, of: 5).unlessUnreachable(noAnswer)
        #expect(outcome.deliveredCount == 3 && outcome.undelivered == 2)
    }

    @Test("a check that was answered changes nothing")
    func answered() throws {
        #expect(try report(delivered: 0, of: 0).unlessUnreachable(nil).total == 0)
    }
}
