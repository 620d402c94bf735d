// SPDX-License-Identifier: Apache-2.0
import Foundation
import Glibc
import TestSupport
import Testing

@Suite("emit and tail against the test broker")
struct EmitAndTailTests {
    @Test("a JSON object is sent as d: and tails back as one jsonl record")
    func jsonRoundTrip() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["emit", event, #"{"a":1}"#])
        let tail = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "jsonl"])
        let records = try tail.jsonLines()
        try #require(records.count == 1, "got \(tail.output)")
        let record = records[0]
        #expect(record["event"] as? String == event)
        #expect(record["topic"] as? String == "hypha_event_\(event)")
        #expect(record["type"] as? String == "d")
        #expect(record["key"] as? String == "d:\(event)")
        #expect((record["data"] as? [String: Any])?["a"] as? Int == 1)
        #expect(record["offset"] as? Int == 0)
        #expect((record["timestamp"] as? String)?.hasSuffix("Z") == true)

        let list = try Hyphactl.succeed(["topics", "list", "-o", "json"])
        let topics = try #require(try JSONSerialization.jsonObject(with: list.stdout) as? [[String: Any]])
        let mine = try #require(topics.first { $0["topic"] as? String == "hypha_event_\(event)" })
        #expect(mine["messages"] as? Int == 1)
        #expect(mine["event"] as? String == event)
    }

    @Test("each payload type goes out with its key prefix and comes back decoded")
    func payloadTypes() throws {
        let event = TestEnvironment.uniqueEvent()
        let binaryFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(event).bin")
        try Data([0x00, 0xFF, 0x80, 0x0A]).write(to: binaryFile)
        defer { try? FileManager.default.removeItem(at: binaryFile) }

        try Hyphactl.succeed(["emit", event, "plain words"]) // auto: not an object -> s:
        try Hyphactl.succeed(["emit", event, "[1,2]"]) // auto: JSON, but not an object -> s:
        try Hyphactl.succeed(["emit", event, "--json", "[1,2]"]) // forced d:
        try Hyphactl.succeed(["emit", event, "--string", #"{"x":"y"}"#]) // forced s:
        try Hyphactl.succeed(["emit", event, "--binary", "--file", binaryFile.path])
        try Hyphactl.succeed(["emit", event], stdin: Data(#"{"é": "ü", "n": [1.50, null]}"#.utf8 + [0x0A]))

        let records = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "jsonl"]).jsonLines()
            .sorted {
                ($0["offset"] as? Int ?? 0, $0["partition"] as? Int ?? 0) < (
                    $1["offset"] as? Int ?? 0, $1["partition"] as? Int ?? 0
                )
            }
        try #require(records.count == 6)
        let byType = Dictionary(grouping: records) { $0["type"] as? String ?? "null" }
        #expect(
            Set(byType["s"]?.compactMap { $0["data"] as? String } ?? []) == [#"{"x":"y"}"#, "[1,2]", "plain words"])
        #expect(byType["d"]?.count == 2)
        #expect(byType["b"]?.first?["data"] as? String == "AP+ACg==")
        let object = try #require(byType["d"]?.compactMap { $0["data"] as? [String: Any] }.first)
        #expect(object["é"] as? String == "ü")
    }

    @Test("the d: value is written the way Python's json.dumps writes it")
    func pythonStyleValue() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["emit", event, #"{"b":[1,{"c":"naïve"}],"a":true}"#])
        let raw = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "raw"])
        #expect(raw.output == #"{"b": [1, {"c": "na\u00efve"}], "a": true}"# + "\n")
    }

    @Test("a batch of many events tails back whole with -e")
    func wholeBatch() throws {
        let event = TestEnvironment.uniqueEvent()
        let lines = (0..<500).map { "{\"i\":\($0)}" }.joined(separator: "\n")
        try Hyphactl.succeed(["emit", event, "--lines"], stdin: Data(lines.utf8))
        let tailed = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "raw"])
        #expect(tailed.lines.count == 500)
        #expect(Set(tailed.lines).count == 500)
    }

    @Test("--lines sends one event per line, --repeat multiplies, -o json reports each delivery")
    func linesAndRepeat() throws {
        let event = TestEnvironment.uniqueEvent()
        let input = Data("{\"i\":1}\n{\"i\":2}\n\nthird line\n".utf8)
        let emitted = try Hyphactl.succeed(["emit", event, "--lines", "--repeat", "2", "-o", "json"], stdin: input)
        let deliveries = try emitted.jsonLines()
        #expect(deliveries.count == 6)
        #expect(deliveries.map { $0["type"] as? String } == ["d", "d", "d", "d", "s", "s"])
        #expect(
            deliveries.allSatisfy {
                $0["topic"] as? String == "hypha_event_\(event)" && $0["offset"] is Int && $0["partition"] is Int
            })
        let tailed = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "jsonl"]).jsonLines()
        #expect(tailed.count == 6)
    }

    @Test(
        "an event librdkafka refuses fails alone: the others are delivered, exit 1 counts it",
        arguments: ["--lines", "--jsonl"])
    func oneEventRefused(_ mode: String) throws {
        let event = TestEnvironment.uniqueEvent()
        let small = (0..<10).map { "small \($0)" }
        // Over message.max.bytes: librdkafka refuses it when it is queued.
        let sent = small[..<5] + [String(repeating: "x", count: 2_000_000)] + small[5...]
        let input =
            mode == "--lines"
            ? sent.joined(separator: "\n")
            : sent.map { #"{"event":"\#(event)","type":"s","data":"\#($0)"}"# }.joined(separator: "\n")
        let emitted = try Hyphactl.run(
            ["emit"] + (mode == "--lines" ? [event] : []) + [mode, "-X", "message.max.bytes=1000000"],
            stdin: Data(input.utf8))
        #expect(emitted.status == 1, "exit \(emitted.status): \(emitted.stderr)")
        #expect(emitted.stderr.hasPrefix("hyphactl: 1 of 11 events were not delivered: "), "\(emitted.stderr)")
        #expect(emitted.stderr.lowercased().contains("large"), "no reason given: \(emitted.stderr)")
        #expect(emitted.stderr.split(separator: "\n").count == 1)
        #expect(emitted.output == "delivered 10 of 11 events\n")
        let tailed = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "raw"])
        #expect(tailed.lines.sorted() == small)
    }

    @Test("invalid DATA for its type exits 65 and sends nothing")
    func invalidData() throws {
        let event = TestEnvironment.uniqueEvent()
        let badJSON = try Hyphactl.run(["emit", event, "--json", "{nope"])
        #expect(badJSON.status == 65)
        #expect(badJSON.stderr.contains("not valid JSON"))
        #expect(badJSON.stderr.split(separator: "\n").count == 1)

        // A bad first line: nothing before it to send (what comes before a bad line is sent: EmitStreamingTests).
        let badLine = try Hyphactl.run(["emit", event, "--lines", "--json"], stdin: Data("{bad\n{\"ok\":1}\n".utf8))
        #expect(badLine.status == 65)
        #expect(badLine.stderr.contains("line 1"))

        let notText = try Hyphactl.run(["emit", event, "--string"], stdin: Data([0xC3, 0x28]))
        #expect(notText.status == 65)

        let list = try Hyphactl.succeed(["topics", "list", "-o", "json"])
        #expect(!list.output.contains("hypha_event_\(event)"))
    }

    @Test("-n stops after N events; -p reads one partition; --offset starts there")
    func limitsAndPositions() throws {
        let event = TestEnvironment.uniqueEvent()
        // One emit per event: Tansu's ListOffsets, which --offset -N relies on, counts a batch as one.
        var deliveries: [[String: Any]] = []
        for index in 0..<5 {
            deliveries += try Hyphactl.succeed(["emit", event, "{\"i\":\(index)}", "-o", "json"]).jsonLines()
        }
        #expect(deliveries.count == 5)

        let limited = try Hyphactl.succeed(["tail", event, "--from-beginning", "-n", "3", "-f", "jsonl"]).jsonLines()
        #expect(limited.count == 3)

        let partition = try #require(deliveries.first?["partition"] as? Int)
        let inPartition = deliveries.filter { $0["partition"] as? Int == partition }
        let onePartition = try Hyphactl.succeed([
            "tail", event, "--from-beginning", "-e", "-p", String(partition), "-f", "jsonl",
        ]).jsonLines()
        #expect(onePartition.count == inPartition.count)
        #expect(onePartition.allSatisfy { $0["partition"] as? Int == partition })

        let fromOffset = try Hyphactl.succeed([
            "tail", event, "--offset", "1", "-e", "-p", String(partition), "-f", "jsonl",
        ]).jsonLines()
        #expect(fromOffset.count == inPartition.count - 1)
        #expect(fromOffset.first?["offset"] as? Int == 1)

        let lastOne = try Hyphactl.succeed([
            "tail", event, "--offset", "-1", "-e", "-p", String(partition), "-f", "jsonl",
        ]).jsonLines()
        #expect(try Hyphactl.succeed(["tail", event, "--offset=-2", "-e", "-f", "jsonl"]).jsonLines().count == 2)
        #expect(lastOne.count == 1)
        #expect(lastOne.first?["offset"] as? Int == inPartition.count - 1)
    }

    @Test("--since picks events by time")
    func since() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["emit", event, "old"])
        let all = try Hyphactl.succeed(["tail", event, "--since", "1h", "-e", "-f", "jsonl"]).jsonLines()
        #expect(all.count == 1)
        let future = ISO8601DateFormatter().string(from: Date().addingTimeInterval(3600))
        let none = try Hyphactl.succeed(["tail", event, "--since", future, "-e", "-f", "jsonl"])
        #expect(none.output.isEmpty)
    }

    @Test("globs and --all select event topics")
    func globs() throws {
        // A broker of its own: --all reads every event topic, and other tests fill theirs.
        let broker = try PrivateBroker()
        func run(_ arguments: [String]) throws -> ProcessResult {
            try Hyphactl.run(arguments, bootstrap: broker.bootstrap)
        }
        let prefix = TestEnvironment.uniqueEvent("g")
        #expect(try run(["emit", "\(prefix)-one", "1"]).status == 0)
        #expect(try run(["emit", "\(prefix)-two", "2"]).status == 0)
        #expect(try run(["emit", "other", "3"]).status == 0)
        let globbed = try run(["tail", "\(prefix)-*", "--from-beginning", "-e", "-f", "jsonl"])
        #expect(globbed.status == 0)
        #expect(
            Set(try globbed.jsonLines().compactMap { $0["event"] as? String }) == ["\(prefix)-one", "\(prefix)-two"])

        let everything = try run(["tail", "--all", "--from-beginning", "-e", "-f", "jsonl"])
        #expect(everything.status == 0)
        #expect(
            Set(try everything.jsonLines().compactMap { $0["event"] as? String }) == [
                "\(prefix)-one", "\(prefix)-two", "other",
            ])

        let nothing = try run(["tail", "\(prefix)-nomatch-*", "-e"])
        #expect(nothing.status == 1)
    }

    @Test("pretty output names the event, its place and its data")
    func pretty() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["emit", event, "--string", "bell \u{07} and \u{1B}[31mred"])
        let shown = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e"])
        #expect(shown.output.contains(event))
        #expect(shown.output.contains("@0"))
        #expect(!shown.output.contains("\u{1B}"))
        #expect(shown.output.contains("\\x1b[31mred"))
    }

    @Test("a value that is not what its key says is shown with its error, never dropped")
    func undecodableValues() throws {
        let event = TestEnvironment.uniqueEvent()
        let produced = try PythonPeer.run(
            ["raw", "--topic", "hypha_event_\(event)"],
            stdin: Data(
                """
                {"key": "d:\(event)", "value": "e25vcGU="}
                {"key": "s:\(event)", "value": "wyg="}
                {"key": null, "value": "aGk="}
                {"key": "d:\(event)", "value": null}

                """.utf8))
        #expect(produced.status == 0, "\(produced.stderr)")
        let records = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "jsonl"]).jsonLines()
        try #require(records.count == 4)
        let invalid = records.filter { $0["error"] != nil }
        #expect(invalid.count == 2)
        #expect(invalid.allSatisfy { $0["data"] == nil && $0["raw"] is String })
        #expect(Set(invalid.compactMap { $0["raw"] as? String }) == ["e25vcGU=", "wyg="])
        #expect(records.contains { $0["type"] is NSNull && $0["data"] as? String == "hi" })
        #expect(records.contains { $0["type"] as? String == "d" && $0["data"] is NSNull && $0["error"] == nil })
    }

    @Test("-e from the beginning: empty partitions are not waited for; a topic holding nothing ends at once")
    func exitAtEndOverEmptyPartitions() throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["topics", "create", event, "--partitions", "6"])
        try Hyphactl.succeed(["emit", event, "--lines"], stdin: Data("{\"i\":1}\n{\"i\":2}\n".utf8))
        let tail = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "jsonl"])
        #expect(try tail.jsonLines().compactMap { ($0["data"] as? [String: Any])?["i"] as? Int } == [1, 2])

        let empty = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["topics", "create", empty, "--partitions", "3"])
        let nothing = try Hyphactl.succeed(["tail", empty, "--from-beginning", "-e", "-f", "jsonl"])
        #expect(nothing.stdout.isEmpty)
    }

    @Test("-e ends at the end offsets seen at start, even while events keep arriving")
    func exitAtEndOnBusyTopic() throws {
        let event = TestEnvironment.uniqueEvent()
        let first = (0..<50).map { "{\"i\":\($0)}" }.joined(separator: "\n")
        try Hyphactl.succeed(["emit", event, "--lines"], stdin: Data(first.utf8))
        let binary = try Hyphactl.binary()
        let broker = try TestEnvironment.bootstrap()
        let busy = try ChildProcess(
            binary, ["emit", event, "--lines", "--repeat", "50000", "-b", broker], stdin: .pipe)
        defer {
            busy.signal(SIGTERM)
            busy.waitForExit()
        }
        try busy.input?.write(contentsOf: Data("{\"busy\":true}\n".utf8))
        try busy.input?.close()
        Thread.sleep(forTimeInterval: 1)
        let tail = try Hyphactl.succeed(["tail", event, "--from-beginning", "-e", "-f", "raw"], timeout: 60)
        #expect(tail.lines.count >= 50)
        #expect(tail.seconds < 60)
    }

    @Test("SIGINT and SIGTERM end a following tail cleanly with exit 0", arguments: [SIGINT, SIGTERM])
    func interrupt(_ signal: Int32) throws {
        let event = TestEnvironment.uniqueEvent()
        try Hyphactl.succeed(["emit", event, "x"])
        let tail = try RunningCommand([
            "tail", event, "--from-beginning", "-f", "jsonl", "-b", try TestEnvironment.bootstrap(),
        ])
        let firstLine = tail.nextLine(timeout: 20)
        #expect(firstLine?.contains(#""data":"x""#) == true)
        tail.signal(signal)
        let result = try #require(tail.finish(timeout: 20))
        #expect(result.status == 0, "\(result.stderr)")
    }
}

extension FileHandle {
    /// Reads until a newline, or nil after `timeout` seconds.
    func availableLine(timeout: Double) -> String? {
        let box = LineBox()
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            var bytes = Data()
            var byte: UInt8 = 0
            // One byte at a time, so that nothing after the newline is taken from the pipe.
            while true {
                let count = Glibc.read(self.fileDescriptor, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                if count <= 0 || byte == 0x0A { break }
                bytes.append(byte)
            }
            box.set(String(decoding: bytes, as: UTF8.self))
            done.signal()
        }
        return done.wait(timeout: .now() + timeout) == .success ? box.get() : nil
    }
}

private final class LineBox: @unchecked Sendable {
    // @unchecked Sendable: written once before the semaphore is signalled, read after.
    private var line: String?
    func set(_ value: String) { line = value }
    func get() -> String? { line }
}
